// RabbitMQ as a single-replica container app: AMQP (5672) and the management API (15672, read by the KEDA
// scaler) on internal TCP ingress only; the message store on an Azure Files share. See infra/README.md for the
// trade-offs against a managed broker.

param location string
param tags object
param name string
param environmentId string
param storageName string

@description('RabbitMQ image with the management plugin (the KEDA scaler counts unacknowledged messages through its HTTP API).')
param image string

param userName string
@secure()
param password string

@description('How long a consumer may hold a delivery unacknowledged, in ms: a trainer holds its TrainModel message for the whole run. Same value the AppHost gives its RabbitMQ (7 days).')
param consumerTimeoutMs int = 604800000

resource rabbitMq 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    environmentId: environmentId
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: false
        transport: 'tcp'
        targetPort: 5672
        exposedPort: 5672
        additionalPortMappings: [
          {
            external: false
            targetPort: 15672
            exposedPort: 15672
          }
        ]
      }
      secrets: [
        {
          name: 'rabbitmq-password'
          value: password
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'rabbitmq'
          image: image
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: [
            {
              name: 'RABBITMQ_DEFAULT_USER'
              value: userName
            }
            {
              name: 'RABBITMQ_DEFAULT_PASS'
              secretRef: 'rabbitmq-password'
            }
            {
              // A fixed node name: the store's folder is named after the node, and replica host names change.
              name: 'RABBITMQ_NODENAME'
              value: 'rabbit@localhost'
            }
            {
              name: 'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS'
              value: '-rabbit consumer_timeout ${consumerTimeoutMs}'
            }
          ]
          volumeMounts: [
            {
              volumeName: 'store'
              mountPath: '/var/lib/rabbitmq/mnesia'
            }
          ]
          probes: [
            {
              type: 'Liveness'
              tcpSocket: {
                port: 5672
              }
              initialDelaySeconds: 20
              periodSeconds: 15
            }
          ]
        }
      ]
      volumes: [
        {
          name: 'store'
          storageType: 'AzureFile'
          storageName: storageName
          // The official image runs RabbitMQ as uid/gid 999; nobrl because SMB byte-range locks are not needed
          // by a single node and slow its store down.
          mountOptions: 'uid=999,gid=999,dir_mode=0750,file_mode=0640,nobrl'
        }
      ]
      scale: {
        // One node: a second replica would be a second, unclustered broker on the same store.
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

output name string = rabbitMq.name
output amqpHost string = '${rabbitMq.name}:5672'
output managementHost string = '${rabbitMq.name}:15672'
