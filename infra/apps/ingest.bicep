// Ingest: dataset uploads (POST /datasets). Internal ingress only: reachable from inside the environment and its
// virtual network, not from the internet (see infra/README.md, "Uploading datasets").

param location string
param tags object
param name string
param environmentId string
param identityId string
param identityClientId string
param registryServer string
@description('Image to run; empty on the first provision, before azd has pushed one (a placeholder runs instead).')
param image string
param placeholderImage string
param blobEndpoint string
@secure()
param messagingConnectionString string

var hasImage = !empty(image)

resource ingest 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'ingest' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: false
        targetPort: 8080
        transport: 'http'
        allowInsecure: true
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: [
        {
          name: 'messaging-connection-string'
          value: messagingConnectionString
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'ingest'
          image: hasImage ? image : placeholderImage
          resources: {
            cpu: json('2.0')
            memory: '4Gi'
          }
          env: [
            {
              name: 'ConnectionStrings__blobs'
              value: blobEndpoint
            }
            {
              name: 'ConnectionStrings__messaging'
              secretRef: 'messaging-connection-string'
            }
            {
              // DefaultAzureCredential picks the user-assigned identity by its client id.
              name: 'AZURE_CLIENT_ID'
              value: identityClientId
            }
            {
              name: 'HTTP_PORTS'
              value: '8080'
            }
            {
              name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED'
              value: 'true'
            }
            {
              name: 'OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY'
              value: 'in_memory'
            }
            {
              // Uploads wait here for processing; ephemeral replica storage (4 GiB at 2 vCPU).
              name: 'Ingest__WorkFolder'
              value: '/tmp/platform-ingest'
            }
          ]
          probes: hasImage ? [
            {
              type: 'Liveness'
              httpGet: {
                path: '/alive'
                port: 8080
              }
              periodSeconds: 10
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/health'
                port: 8080
              }
              periodSeconds: 10
            }
          ] : []
        }
      ]
      scale: {
        // One replica: an upload is processed by the replica that received it, from its local disk, and a
        // scale-in would cut a running ingest short (it would then be failed as abandoned).
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

output name string = ingest.name
output internalFqdn string = ingest.properties.configuration.ingress.fqdn
