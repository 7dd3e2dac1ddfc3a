// Trainer: competing consumer of TrainModel jobs, on the GPU workload profile. KEDA scales it on the length of
// the RabbitMQ queue MassTransit gives the TrainModel consumer, down to zero replicas when no job is queued or
// running. No ingress: it only listens for the platform's health probes.

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
@secure()
@description('http://user:password@host:15672/ : RabbitMQ\'s management API, which the KEDA scaler reads.')
param rabbitMqManagementUri string
@description('OTLP/HTTP endpoint of the tracker\'s internal receiver.')
param trackerOtlpEndpoint string

@description('Workload profile to run on: the GPU profile\'s name, or Consumption for CPU-only training.')
param workloadProfileName string
@description('Replica size: on serverless GPU profiles the size is fixed by the GPU type.')
param cpu string
param memory string
param maxReplicas int

@description('Queue of the TrainModel consumer: MassTransit kebab-case endpoint name with the service prefix (ServiceDefaults/MessagingExtensions.cs).')
param trainModelQueueName string = 'trainer-train-model'

var hasImage = !empty(image)

resource trainer 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'trainer' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: workloadProfileName
    configuration: {
      activeRevisionsMode: 'Single'
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
          name: 'rabbitmq-management-uri'
          value: rabbitMqManagementUri
        }
      ]
    }
    template: {
      // A replica being stopped gets time to finish its batch; an interrupted run resumes from its last
      // checkpoint on another replica anyway.
      terminationGracePeriodSeconds: 120
      containers: [
        {
          name: 'trainer'
          image: hasImage ? image : placeholderImage
          resources: {
            cpu: json(cpu)
            memory: memory
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
              name: 'Trainer__TrackerOtlpEndpoint'
              value: trackerOtlpEndpoint
            }
            {
              // Shards cached on the replica's ephemeral volume.
              name: 'Trainer__CacheFolder'
              value: '/var/cache/platform-trainer'
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
          ]
          volumeMounts: [
            {
              volumeName: 'dataset-cache'
              mountPath: '/var/cache/platform-trainer'
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
              // libtorch takes a while to load on a fresh replica.
              type: 'Startup'
              httpGet: {
                path: '/alive'
                port: 8080
              }
              periodSeconds: 5
              failureThreshold: 24
            }
          ] : []
        }
      ]
      volumes: [
        {
          name: 'dataset-cache'
          storageType: 'EmptyDir'
        }
      ]
      scale: {
        minReplicas: 0
        maxReplicas: maxReplicas
        // Checked every 30 s by default; a replica stays 5 minutes after the queue empties before scaling to zero.
        cooldownPeriod: 300
        rules: [
          {
            name: 'train-model-queue'
            custom: {
              type: 'rabbitmq'
              metadata: {
                queueName: trainModelQueueName
                mode: 'QueueLength'
                // One job per replica: the consumer takes one TrainModel at a time (prefetch 1).
                value: '1'
                // The HTTP management API counts unacknowledged deliveries too. A trainer acknowledges its job only
                // when the run ends, so over AMQP (ready messages only) a running job would count as zero and the
                // replica training it would be scaled away.
                protocol: 'http'
              }
              auth: [
                {
                  secretRef: 'rabbitmq-management-uri'
                  triggerParameter: 'host'
                }
              ]
            }
          }
        ]
      }
    }
  }
}

output name string = trainer.name
