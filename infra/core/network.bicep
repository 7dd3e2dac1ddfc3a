// A virtual network for the Container Apps environment: RabbitMQ's AMQP port is TCP ingress, which needs an
// environment on a custom virtual network.

param location string
param tags object
param virtualNetworkName string

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: virtualNetworkName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        '10.40.0.0/16'
      ]
    }
    subnets: [
      {
        // Workload-profile environments need a subnet of /27 or larger delegated to Microsoft.App/environments;
        // /23 leaves room for GPU nodes and many replicas.
        name: 'container-apps'
        properties: {
          addressPrefix: '10.40.0.0/23'
          delegations: [
            {
              name: 'container-apps'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
    ]
  }
}

output containerAppsSubnetId string = virtualNetwork.properties.subnets[0].id
