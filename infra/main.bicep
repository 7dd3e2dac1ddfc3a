// Platform on Azure Container Apps: the same graph the AppHost starts locally (AppHost/AppHost.cs) — ingest,
// tracker, trainer and inference, with Redis, RabbitMQ and blob storage — deployed with `azd up`.
// infra/README.md explains what each part is, what it costs and how to watch and remove it.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and tags every resource.')
param environmentName string

@minLength(1)
@description('Region for every resource. It must offer serverless GPUs if gpuProfileType is set (see infra/README.md).')
param location string

@description('Object id of the user running azd (azd sets it): may read and write the blobs, for inspection.')
param principalId string = ''

@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
  'NC24-A100'
  'NC48-A100'
  'NC96-A100'
  ''
])
@description('GPU the trainer runs on: a serverless GPU (one per replica), or a dedicated A100 profile with 1, 2 or 4 GPUs per replica (NC24/NC48/NC96-A100), all of which a run trains on (devices: auto). Needs trainerImageFlavor cuda. Empty: the trainer runs on CPU in the Consumption profile.')
param gpuProfileType string = ''

@allowed([
  'cpu'
  'cuda'
])
@description('The TorchSharp build of the trainer image azd deploys (TorchSharpFlavor, cpu by default): a GPU profile needs cuda.')
param trainerImageFlavor string = 'cpu'

@description('Most trainer replicas, i.e. most training runs at once (each also needs GPU quota).')
param trainerMaxReplicas int = 2

@description('Inference replicas kept warm (0: scale to zero when idle).')
param inferenceMinReplicas int = 1
param inferenceMaxReplicas int = 10

@description('Client id of the Entra ID app registration that guards the tracker and inference (infra/hooks/entra-app.sh creates one).')
param authClientId string

@secure()
@description('Client secret of that app registration, for the tracker\'s browser sign-in.')
param authClientSecret string

@secure()
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 32
      noSpecial: true
    }
  }
})
@description('RabbitMQ password; azd generates it once and keeps it in the environment. Letters and digits only: the KEDA scaler cannot read URIs with special characters.')
param rabbitMqPassword string

@description('Images azd deployed (SERVICE_<NAME>_IMAGE_NAME); empty before the first deploy.')
param ingestImage string = ''
param trackerImage string = ''
param trainerImage string = ''
param inferenceImage string = ''

@description('RabbitMQ with the management plugin; the KEDA scaler reads its HTTP API.')
param rabbitMqImage string = 'docker.io/library/rabbitmq:4.1-management'

var tags = {
  'azd-env-name': environmentName
}
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
// Any ASP.NET Core image that listens on 8080 will do until azd has pushed the real ones.
var placeholderImage = 'mcr.microsoft.com/dotnet/samples:aspnetapp'
var gpuProfileName = 'gpu'
var rabbitMqUser = 'platform'
// The tracker's second listener, internal to the environment, for the trainer's OTLP/HTTP spans (4318 is
// OTLP/HTTP's registered port).
var trackerOtlpPort = 4318

// Replica size of the trainer: fixed per serverless GPU type; CPU training gets the largest Consumption size.
var trainerSizes = {
  'Consumption-GPU-NC8as-T4': {
    cpu: '8.0'
    memory: '56Gi'
  }
  'Consumption-GPU-NC24-A100': {
    cpu: '24.0'
    memory: '220Gi'
  }
  // Dedicated A100 profiles (one replica per node): the node less headroom for the platform's own pods.
  'NC24-A100': {
    cpu: '20.0'
    memory: '180Gi'
  }
  'NC48-A100': {
    cpu: '44.0'
    memory: '400Gi'
  }
  'NC96-A100': {
    cpu: '92.0'
    memory: '840Gi'
  }
  cpuOnly: {
    cpu: '4.0'
    memory: '8Gi'
  }
}
var trainerSize = trainerSizes[empty(gpuProfileType) ? 'cpuOnly' : gpuProfileType]
// A CPU build of TorchSharp on a GPU replica trains on its CPU and pays for the GPU: refuse the pair before anything is deployed.
var trainerWorkloadProfileName = empty(gpuProfileType)
  ? 'Consumption'
  : trainerImageFlavor == 'cuda'
      ? gpuProfileName
      : fail('gpuProfileType ${gpuProfileType} puts the trainer on GPUs, but its image is the CPU build of TorchSharp, which would train on the CPU of a paid GPU replica. Choose one: build the CUDA image (export TorchSharpFlavor=cuda, with a NuGet feed that serves TorchSharp-cuda-linux) and run azd up again, or train on CPU (azd env set PLATFORM_GPU_PROFILE_TYPE "").')

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
  }
}

module network 'core/network.bicep' = {
  name: 'network'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    virtualNetworkName: 'vnet-${resourceToken}'
  }
}

module identity 'core/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    identityName: 'id-services-${resourceToken}'
  }
}

module registry 'core/registry.bicep' = {
  name: 'registry'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    registryName: 'cr${resourceToken}'
    pullPrincipalId: identity.outputs.principalId
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    storageAccountName: 'st${resourceToken}'
    dataPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
  }
}

module redis 'core/redis.bicep' = {
  name: 'redis'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    redisName: 'redis-${resourceToken}'
  }
}

module rabbitMqStorage 'core/rabbitmq-storage.bicep' = {
  name: 'rabbitmq-storage'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    storageAccountName: 'stmq${resourceToken}'
    shareName: 'rabbitmq'
  }
}

module containerAppsEnvironment 'core/environment.bicep' = {
  name: 'container-apps-environment'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    environmentName: 'cae-${resourceToken}'
    logAnalyticsName: monitoring.outputs.logAnalyticsName
    subnetId: network.outputs.containerAppsSubnetId
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    gpuProfileName: gpuProfileName
    gpuProfileType: gpuProfileType
    gpuProfileMaximumNodes: trainerMaxReplicas
    rabbitMqStorageAccountName: rabbitMqStorage.outputs.storageAccountName
    rabbitMqShareName: rabbitMqStorage.outputs.shareName
    rabbitMqStorageName: 'rabbitmq'
  }
}

module rabbitMq 'apps/rabbitmq.bicep' = {
  name: 'rabbitmq'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: 'rabbitmq'
    environmentId: containerAppsEnvironment.outputs.id
    storageName: containerAppsEnvironment.outputs.rabbitMqStorageName
    image: rabbitMqImage
    userName: rabbitMqUser
    password: rabbitMqPassword
  }
}

// ConnectionStrings__messaging: the amqp URI ServiceDefaults/MessagingExtensions.cs expects.
var messagingConnectionString = 'amqp://${rabbitMqUser}:${rabbitMqPassword}@${rabbitMq.outputs.amqpHost}/'
// ConnectionStrings__blobs: the bare endpoint URI, so ServiceDefaults/BlobStorageExtensions.cs uses the managed identity.
var blobEndpoint = storage.outputs.blobEndpoint

module ingest 'apps/ingest.bicep' = {
  name: 'ingest'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: 'ingest'
    environmentId: containerAppsEnvironment.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryServer: registry.outputs.loginServer
    image: ingestImage
    placeholderImage: placeholderImage
    blobEndpoint: blobEndpoint
    messagingConnectionString: messagingConnectionString
  }
}

module tracker 'apps/tracker.bicep' = {
  name: 'tracker'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: 'tracker'
    environmentId: containerAppsEnvironment.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryServer: registry.outputs.loginServer
    image: trackerImage
    placeholderImage: placeholderImage
    blobEndpoint: blobEndpoint
    messagingConnectionString: messagingConnectionString
    redisName: redis.outputs.name
    otlpPort: trackerOtlpPort
    ingestUrl: 'http://${ingest.outputs.name}'
    // Inference refuses plain HTTP (allowInsecure: false), so the tracker calls its HTTPS address.
    inferenceUrl: 'https://${inference.outputs.fqdn}'
    authClientId: authClientId
    authClientSecret: authClientSecret
  }
}

module trainer 'apps/trainer.bicep' = {
  name: 'trainer'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: 'trainer'
    environmentId: containerAppsEnvironment.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryServer: registry.outputs.loginServer
    image: trainerImage
    placeholderImage: placeholderImage
    blobEndpoint: blobEndpoint
    messagingConnectionString: messagingConnectionString
    rabbitMqManagementUri: 'http://${rabbitMqUser}:${rabbitMqPassword}@${rabbitMq.outputs.managementHost}/'
    trackerOtlpEndpoint: tracker.outputs.otlpEndpoint
    workloadProfileName: trainerWorkloadProfileName
    cpu: trainerSize.cpu
    memory: trainerSize.memory
    maxReplicas: trainerMaxReplicas
  }
}

module inference 'apps/inference.bicep' = {
  name: 'inference'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: 'inference'
    environmentId: containerAppsEnvironment.outputs.id
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryServer: registry.outputs.loginServer
    image: inferenceImage
    placeholderImage: placeholderImage
    blobEndpoint: blobEndpoint
    messagingConnectionString: messagingConnectionString
    authClientId: authClientId
    minReplicas: inferenceMinReplicas
    maxReplicas: inferenceMaxReplicas
  }
}

output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = containerAppsEnvironment.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = blobEndpoint
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output TRACKER_URL string = 'https://${tracker.outputs.fqdn}'
output INFERENCE_URL string = 'https://${inference.outputs.fqdn}'
output INGEST_INTERNAL_URL string = 'http://${ingest.outputs.name}'
