#!/bin/sh
# azd postprovision hook: lets Entra ID send signed-in users back to the tracker and inference.
set -eu

az ad app update --id "$PLATFORM_AUTH_CLIENT_ID" --web-redirect-uris \
  "${TRACKER_URL}/.auth/login/aad/callback" \
  "${INFERENCE_URL}/.auth/login/aad/callback"
echo "Sign-in redirects registered for $TRACKER_URL and $INFERENCE_URL"
