// Tracker: runs, curves, model registry and the web UI. Public, behind Entra ID sign-in (Container Apps
// authentication). The trainer reports training spans to the tracker's OTLP receiver on a second, internal-only
// port, which the public ingress and its sign-in do not front.

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
@description('Azure Managed Redis cluster; its database\'s access key goes into ConnectionStrings__redis as a secret.')
param redisName string

@description('Ingest\'s address inside the environment: the datasets page reads datasets through the tracker.')
param ingestUrl string

@description('Inference\'s address: the models page shows its serving state (GET /status) through the tracker.')
param inferenceUrl string

@description('Port of the internal-only listener the trainer sends OTLP/HTTP spans to.')
param otlpPort int

@description('Client id of the Entra ID app registration users sign in with.')
param authClientId string
@secure()
param authClientSecret string

var hasImage = !empty(image)

resource redis 'Microsoft.Cache/redisEnterprise@2025-07-01' existing = {
  name: redisName
}

resource redisDatabase 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' existing = {
  parent: redis
  name: 'default'
}

// StackExchange.Redis configuration string (Aspire.StackExchange.Redis reads ConnectionStrings__redis).
var redisConnectionString = '${redis.properties.hostName}:${redisDatabase.properties.port},password=${redisDatabase.listKeys().primaryKey},ssl=True,abortConnect=False'

resource tracker 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'tracker' })
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
        additionalPortMappings: [
          {
            external: false
            targetPort: otlpPort
            exposedPort: otlpPort
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
        {
          name: 'redis-connection-string'
          value: redisConnectionString
        }
        {
          name: 'microsoft-provider-authentication-secret'
          value: authClientSecret
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'tracker'
          image: hasImage ? image : placeholderImage
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: [
            {
              name: 'ConnectionStrings__redis'
              secretRef: 'redis-connection-string'
            }
            {
              name: 'ConnectionStrings__blobs'
              value: blobEndpoint
            }
            {
              name: 'ConnectionStrings__messaging'
              secretRef: 'messaging-connection-string'
            }
            {
              // Service discovery's form of the AppHost's references (services__{name}__{endpoint}__0) and Aspire's own ({NAME}_{ENDPOINT}).
              name: 'services__ingest__http__0'
              value: ingestUrl
            }
            {
              name: 'INGEST_HTTP'
              value: ingestUrl
            }
            {
              name: 'services__inference__http__0'
              value: inferenceUrl
            }
            {
              name: 'INFERENCE_HTTP'
              value: inferenceUrl
            }
            {
              // DefaultAzureCredential picks the user-assigned identity by its client id.
              name: 'AZURE_CLIENT_ID'
              value: identityClientId
            }
            {
              // The public port (8080) and the internal OTLP port.
              name: 'HTTP_PORTS'
              value: '8080;${otlpPort}'
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
        // One replica keeps the tracker's in-process curve cache coherent (it is kept current by this process's
        // writes); Redis holds the state, so a restart loses nothing.
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

resource authentication 'Microsoft.App/containerApps/authConfigs@2025-07-01' = {
  parent: tracker
  name: 'current'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      // Browsers are sent to the Entra ID sign-in page; API clients with a bearer token for the app pass.
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          clientSecretSettingName: 'microsoft-provider-authentication-secret'
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
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

output name string = tracker.name
output fqdn string = tracker.properties.configuration.ingress.fqdn
output otlpEndpoint string = 'http://${tracker.name}:${otlpPort}'
