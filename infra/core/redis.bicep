// Azure Managed Redis: the tracker's system of record (runs, curves, model registry). Non-clustered, so the
// tracker's multi-key transactions and scripts work as they do against a single Redis server; append-only
// persistence, because losing the tracker's data loses the experiment history.
//
// StackExchange.Redis authenticates with the database's access key: Entra ID authentication to Redis needs the
// Microsoft.Azure.StackExchangeRedis extension in the tracker, which it does not use. The key only ever travels
// as a Container Apps secret.

param location string
param tags object
param redisName string

@description('Azure Managed Redis SKU; Balanced_B0 (0.5 GB) is the smallest, Balanced_B1 and up add memory and throughput.')
param skuName string = 'Balanced_B0'

resource redis 'Microsoft.Cache/redisEnterprise@2025-07-01' = {
  name: redisName
  location: location
  tags: tags
  sku: {
    name: skuName
  }
  properties: {
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' = {
  parent: redis
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: 'NoCluster'
    evictionPolicy: 'NoEviction'
    accessKeysAuthentication: 'Enabled'
    persistence: {
      aofEnabled: true
      aofFrequency: '1s'
    }
  }
}

output hostName string = redis.properties.hostName
output port int = database.properties.port
output name string = redis.name
