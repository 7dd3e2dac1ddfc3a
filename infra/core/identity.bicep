// The user-assigned identity the service containers run as: it pulls images and reads and writes blobs,
// so no storage key or registry password appears in any configuration.

param location string
param tags object
param identityName string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
