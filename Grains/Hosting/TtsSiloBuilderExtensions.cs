using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Placement;
using Orleans.Serialization;
using Qwen3Tts.Grains.Admission;
using Qwen3Tts.Grains.Lifetime;
using Qwen3Tts.Grains.Metrics;
using Qwen3Tts.Grains.Placement;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Inference.Vocoder;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Grains.Hosting;

/// <summary>The role wiring shared by the Silo host and the cluster tests.</summary>
public static class TtsSiloBuilderExtensions
{
    /// <summary>
    /// Declares the silo's roles as metadata, registers the role filter (every silo needs it: the silo that
    /// places an activation runs the filter), and loads the models of the declared roles only. Loading happens
    /// here, before the silo starts, so a declared role whose files are missing stops this silo with the
    /// <see cref="ModelFilesMissingException"/> message instead of failing the first request.
    /// </summary>
    public static ISiloBuilder AddTtsRoles(this ISiloBuilder silo, TtsSiloOptions options)
    {
        silo.UseSiloMetadata(new Dictionary<string, string> { [SiloRoles.MetadataKey] = SiloRoles.Format(options.Roles) });
        silo.Services.AddPlacementFilter<RequireSiloRoleFilterStrategy, RequireSiloRoleFilterDirector>(ServiceLifetime.Transient);
        silo.Services.AddSingleton(options);
        // Role-call timings on the silo's Orleans meter, where the dashboard (added by the host) finds them.
        silo.Services.AddSingleton<TtsMetrics>();
        silo.AddIncomingGrainCallFilter<TtsStepMetricsFilter>();
        silo.AddIncomingGrainCallFilter<RequestEndDeactivationFilter>();
        // Orleans' default grain directory deactivates every activation whose directory entry lived on a silo that
        // leaves, wherever the activation runs: stopping the predictor board killed talker activations of requests
        // under way there, and the error blamed the talker. The distributed directory hands its ranges over on a
        // graceful stop and rebuilds them from the live activations after a crash, so a request's activations only go
        // with their own silo. Experimental in Orleans 10.4.2 (ORLEANSEXP003); FaultMatrixTests covers it.
#pragma warning disable ORLEANSEXP003
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        // Graceful shutdown: the requests under way finish before the silo leaves (shutdown.drainTimeout).
        silo.Services.AddSingleton<SiloDrain>();
        silo.Services.AddSingleton(new SiloDrainOptions { DrainTimeout = options.DrainTimeout });
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloDrainParticipant>();
        silo.Services.AddSingleton<ClipTurns>();
        // This project's exception types (ModelFileChangedException, TalkerException, ...) cross silos as themselves.
        silo.Services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Qwen3Tts"));

        var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = options.ModelsDirectory ?? ModelStoreOptions.DefaultModelsDirectory });
        // Every declared role's files are checked before any loads, so one message lists all that is missing.
        // (An official snapshot is one directory checked as a whole by its own loaders.)
        if (store.Layout != Inference.Models.ModelSetLayout.Official)
        {
            Inference.Pipeline.ModelSetIncompleteException.ThrowIfAnyMissing([
                .. options.Has(GrainRoles.Predictor) ? [() => store.ResolvePredictor()] : Array.Empty<Action>(),
                .. options.Has(GrainRoles.Vocoder) ? [() => store.ResolveVocoder()] : Array.Empty<Action>(),
                .. options.Has(GrainRoles.Talker) ? [() => store.ResolveTalker()] : Array.Empty<Action>()]);
        }
        if (options.Has(GrainRoles.Predictor))
        {
            options.Predictor.Validate();
            var predictor = ModelSetLoader.LoadPredictor(store, options.Quant, NullLogger.Instance);
            silo.Services.AddSingleton(predictor);
            // One queue per silo: the frames of all requests on this silo batch together; disposed with the silo.
            silo.Services.AddSingleton(_ => CodePredictorQueue.Create(predictor, options.Predictor));
        }
        if (options.Has(GrainRoles.Vocoder))
        {
            var vocoder = VocoderLoader.Load(store, options.Vocoder, NullLogger.Instance);
            // A factory registration makes the container dispose the vocoder with the silo.
            silo.Services.AddSingleton<IVocoder>(_ => vocoder);
            // Voice cloning's audio encoder: the other half of the speech tokenizer, loaded by the first clip.
            silo.Services.AddSingleton(new ReferenceCodesEncoder(store));
        }
        if (options.Has(GrainRoles.Talker))
        {
            options.TalkerQueue.Validate();
            options.Talker.Quant = options.Quant;
            var talker = ModelSetLoader.LoadTalker(store, options.Talker, NullLogger.Instance);
            silo.Services.AddSingleton(_ => talker);
            silo.Services.AddSingleton(new TalkerAdmission(options.Talker.MaxSequences, options.TalkerQueue));
            // Voice cloning's x-vector: the speaker encoder beside the talker's weights, loaded by the first clip.
            silo.Services.AddSingleton(new ReferenceSpeakerEncoder(store));
        }
        return silo;
    }
}
