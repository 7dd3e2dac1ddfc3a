// Blob storage for datasets, checkpoints and models. Shared-key access is switched off: the services reach it with
// their managed identity only (ConnectionStrings__blobs is the bare blob endpoint URI).

param location string
param tags object
param storageAccountName string
@description('Principal of the services\' managed identity: Storage Blob Data Contributor.')
param dataPrincipalId string
@description('Optional: a user (the one running azd) who may browse the blobs in the portal or with Storage Explorer.')
param userPrincipalId string = ''

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

// The services create these on first use too; creating them here makes a fresh deployment browsable at once.
// Names match libs/Platform.Contracts/StorageLayout.cs.
resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in [
  'datasets'
  'runs'
  'models'
]: {
  parent: blobService
  name: name
  properties: {
    publicAccess: 'None'
  }
}]

// Storage Blob Data Contributor (built-in role).
var blobDataContributorRoleId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')

resource servicesCanUseBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, dataPrincipalId, blobDataContributorRoleId)
  scope: storage
  properties: {
    principalId: dataPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: blobDataContributorRoleId
  }
}

resource userCanUseBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(userPrincipalId)) {
  name: guid(storage.id, userPrincipalId, blobDataContributorRoleId)
  scope: storage
  properties: {
    principalId: userPrincipalId
    principalType: 'User'
    roleDefinitionId: blobDataContributorRoleId
  }
}

output storageAccountName string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
