using Platform.Inference.Apis;
using Platform.Inference.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddOpenInferenceGrpc();
builder.Services.AddOpenApi();

var app = builder.Build();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapPredictApi();
app.MapStatusApi();
app.MapOpenInferenceApi();
app.MapGrpcService<OpenInferenceGrpcService>();

app.Run();
