// Inference: POST /models/{name}/predict. Public, behind Entra ID (bearer tokens for the app registration; no
// sign-in redirect, an API answers 401). Scaled on concurrent HTTP requests.

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

param authClientId string

@description('Replicas kept warm; 0 lets inference scale to zero (the first request then waits for a replica and its models).')
param minReplicas int
param maxReplicas int
@description('Concurrent requests per replica before another replica is added.')
param concurrentRequestsPerReplica int = 20

var hasImage = !empty(image)
// The port the service's Inference:GrpcPort listens on for the Open Inference Protocol over gRPC.
var grpcPort = 8081

resource inference 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'inference' })
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
        external: true
        targetPort: 8080
        transport: 'http'
        allowInsecure: false
        // The Open Inference Protocol's gRPC endpoint: HTTP/2 without TLS needs a port of its own (docs/inference.md),
        // reachable by clients inside the environment.
        additionalPortMappings: [
          {
            external: false
            targetPort: grpcPort
            exposedPort: grpcPort
          }
        ]
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
          name: 'inference'
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
              name: 'Inference__GrpcPort'
              value: string(grpcPort)
            }
            {
              name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED'
              value: 'true'
            }
            {
              name: 'OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY'
              value: 'in_memory'
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
              // Ready only when the promoted models are loaded.
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
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-load'
            http: {
              metadata: {
                concurrentRequests: string(concurrentRequestsPerReplica)
              }
            }
          }
        ]
      }
    }
  }
}

resource authentication 'Microsoft.App/containerApps/authConfigs@2025-07-01' = {
  parent: inference
  name: 'current'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      unauthenticatedClientAction: 'Return401'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${authClientId}'
            authClientId
          ]
        }
      }
    }
  }
}

output name string = inference.name
output fqdn string = inference.properties.configuration.ingress.fqdn
