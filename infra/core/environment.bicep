// The Container Apps environment: on the virtual network (RabbitMQ needs TCP ingress), logs to Log Analytics,
// and the managed OpenTelemetry agent forwarding the services' OTLP traces and logs to Application Insights.
// The agent sets OTEL_EXPORTER_OTLP_ENDPOINT in every app, which is what switches on ServiceDefaults' exporter.
//
// The API version is a preview one because openTelemetryConfiguration and appInsightsConfiguration exist only in
// preview versions of Microsoft.App/managedEnvironments (not in 2025-07-01 or 2026-01-01).

param location string
param tags object
param environmentName string
param logAnalyticsName string
param subnetId string
@secure()
param applicationInsightsConnectionString string

@description('Workload profile name the trainer runs on.')
param gpuProfileName string
@description('GPU type: serverless Consumption-GPU-NC8as-T4 (T4 16 GB) or Consumption-GPU-NC24-A100 (A100 80 GB), or dedicated NC24-A100, NC48-A100, NC96-A100 (1, 2, 4 A100s per node). Empty: no GPU profile.')
param gpuProfileType string
@description('Dedicated GPU profiles: most nodes (one trainer replica each); they scale to zero between runs.')
param gpuProfileMaximumNodes int

@description('Storage account and share that hold RabbitMQ\'s message store.')
param rabbitMqStorageAccountName string
param rabbitMqShareName string
param rabbitMqStorageName string

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource rabbitMqStorageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: rabbitMqStorageAccountName
}

var consumptionProfile = {
  name: 'Consumption'
  workloadProfileType: 'Consumption'
}
var dedicatedGpu = !startsWith(gpuProfileType, 'Consumption-')
var gpuProfile = dedicatedGpu
  ? {
      name: gpuProfileName
      workloadProfileType: gpuProfileType
      minimumCount: 0
      maximumCount: gpuProfileMaximumNodes
    }
  : {
      name: gpuProfileName
      workloadProfileType: gpuProfileType
    }

resource environment 'Microsoft.App/managedEnvironments@2025-10-02-preview' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    workloadProfiles: empty(gpuProfileType) ? [consumptionProfile] : [consumptionProfile, gpuProfile]
    vnetConfiguration: {
      infrastructureSubnetId: subnetId
      internal: false
    }
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logAnalytics.properties.customerId
        sharedKey: logAnalytics.listKeys().primarySharedKey
      }
    }
    appInsightsConfiguration: {
      connectionString: applicationInsightsConnectionString
    }
    openTelemetryConfiguration: {
      tracesConfiguration: {
        destinations: ['appInsights']
      }
      logsConfiguration: {
        destinations: ['appInsights']
      }
    }
  }
}

// Azure Files (SMB) mounts are authorised with the file storage account's key; that key lives in the
// environment's storage definition, never in an app's configuration. It is a separate account from the blob
// storage, whose shared keys stay disabled.
resource rabbitMqStorage 'Microsoft.App/managedEnvironments/storages@2025-10-02-preview' = {
  parent: environment
  name: rabbitMqStorageName
  properties: {
    azureFile: {
      accountName: rabbitMqStorageAccount.name
      accountKey: rabbitMqStorageAccount.listKeys().keys[0].value
      shareName: rabbitMqShareName
      accessMode: 'ReadWrite'
    }
  }
}

output id string = environment.id
output name string = environment.name
output defaultDomain string = environment.properties.defaultDomain
output rabbitMqStorageName string = rabbitMqStorage.name
