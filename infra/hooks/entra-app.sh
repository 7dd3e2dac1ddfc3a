#!/bin/sh
# azd preprovision hook: the Entra ID app registration that guards the tracker and inference (Container Apps
# authentication). Created once per azd environment; reused when PLATFORM_AUTH_CLIENT_ID is already set, e.g. to
# an existing registration of your own (then also set PLATFORM_AUTH_CLIENT_SECRET).
set -eu

if [ -n "${PLATFORM_AUTH_CLIENT_ID:-}" ]; then
  echo "Entra ID app registration: using $PLATFORM_AUTH_CLIENT_ID"
  exit 0
fi

name="platform-${AZURE_ENV_NAME}"
echo "Creating the Entra ID app registration '$name' (sign-in to the tracker and inference)..."
client_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg \
  --enable-id-token-issuance true --query appId --output tsv)
# api://<client id> is the audience of bearer tokens for inference: az account get-access-token --resource api://<client id>
az ad app update --id "$client_id" --identifier-uris "api://$client_id"
az ad sp create --id "$client_id" --output none
client_secret=$(az ad app credential reset --id "$client_id" --display-name "container-apps-auth" \
  --years 1 --query password --output tsv)

azd env set PLATFORM_AUTH_CLIENT_ID "$client_id"
azd env set PLATFORM_AUTH_CLIENT_SECRET "$client_secret"
echo "Entra ID app registration: created $client_id"
