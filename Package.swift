// swift-tools-version:6.2
import PackageDescription

/// SecondPass: second-pass ASR rescoring with LoRA-adapted neural language models.
///
/// Libraries hold all logic; executables are thin. Domain modules (NeuralLM, Adaptation,
/// Phonetics, FirstPass, Evaluation) never depend on the transport (H2RPC, NIO).
let package = Package(
    name: "SecondPass",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "secondpass", targets: ["secondpass"]),
        .executable(name: "lora-rescorer", targets: ["lora-rescorer"]),
        .executable(name: "metrics-aggregator", targets: ["metrics-aggregator"]),
        .executable(name: "nbest-simulator", targets: ["nbest-simulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // MARK: C libraries through pkg-config
        .systemLibrary(
            name: "CNGHTTP2", path: "Sources/CNGHTTP2", pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]),
        .systemLibrary(
            name: "CProtobufC", path: "Sources/CProtobufC", pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CPocketSphinxLibrary", path: "Sources/CPocketSphinxLibrary", pkgConfig: "pocketsphinx",
            providers: [.apt(["libpocketsphinx-dev"])]),
        /// The C shim over pocketsphinx: the variadic `cmd_ln_init`, decoding, N-best paths rescored.
        .target(name: "CPocketSphinx", dependencies: ["CPocketSphinxLibrary"]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // MARK: Messages and transport
        .target(name: "CRescoringProtos", dependencies: ["CProtobufC"]),
        .target(name: "RescoringMessages", dependencies: ["CRescoringProtos", "CProtobufC"]),
        .target(
            name: "H2RPC",
            dependencies: [
                "CNGHTTP2",
                "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(name: "RescoringRPC", dependencies: ["H2RPC", "RescoringMessages"]),
        .executableTarget(
            name: "messages-bench", dependencies: ["RescoringMessages"], path: "Benchmarks/MessagesBench"),

        // MARK: Domain (no transport)
        /// The one seeded generator (SplitMix64) every module and test draws reproducible streams from.
        .target(name: "SeededRandom"),
        .target(name: "NBest"),
        .target(name: "NeuralLM", dependencies: ["COpenBLAS", "SeededRandom"]),
        .target(name: "Phonetics", dependencies: ["NBest", "SeededRandom"]),
        .target(name: "Evaluation", dependencies: ["NBest", "SeededRandom"]),
        .target(name: "FirstPass", dependencies: ["NBest", "Phonetics", "Evaluation", "SeededRandom"]),
        /// The values the engine and training share (fusion, jobs, rescored lists), so `Adaptation`
        /// trains through the rescorer's fusion without depending on the engine.
        .target(name: "RescoringCore", dependencies: ["NBest"]),
        .target(name: "Adaptation", dependencies: ["NeuralLM", "Evaluation", "NBest", "RescoringCore"]),
        .target(name: "Rescoring", dependencies: ["NBest", "NeuralLM", "RescoringCore"]),
        /// The interpolated Kneser-Ney n-gram baseline: training, ARPA files, sentence and N-best scoring.
        .target(name: "NGram", dependencies: ["NBest", "RescoringCore"]),
        /// Stored evaluation outcomes (SQLite through GRDB) and the reports computed from them.
        .target(
            name: "MetricsAggregation",
            dependencies: ["Evaluation", "NBest", "SVGChart", .product(name: "GRDB", package: "GRDB.swift")]),
        /// Hand-written SVG chart pieces (axis steps, escaping, palette) shared by every chart.
        .target(name: "SVGChart"),
        /// `secondpass study`: the strategy × objective × domain grid, resumable, with its report.
        .target(
            name: "Study",
            dependencies: [
                "Adaptation", "NeuralLM", "Rescoring", "RescoringCore", "OfflineRescoring", "Evaluation",
                "NGram",
                "FirstPass", "Phonetics", "NBest", "SVGChart",
            ]),
        /// The resumable base-model pretraining loop behind `secondpass pretrain`.
        .target(name: "Pretraining", dependencies: ["NeuralLM"]),
        /// `secondpass rescore`: N-best files through the service's engine, without a server.
        .target(
            name: "OfflineRescoring",
            dependencies: ["Rescoring", "RescoringCore", "NBest", "FirstPass", "Evaluation"]),
        /// `secondpass record`: flite speech through pocketsphinx into N-best JSONL (real first pass).
        .target(name: "Recording", dependencies: ["CPocketSphinx", "FirstPass", "NBest", "SeededRandom"]),
        /// The simulator's pure side: sources, conditions, plans, pacing, balancing, accounting.
        .target(name: "Simulation", dependencies: ["FirstPass", "Phonetics", "NBest", "SeededRandom"]),

        /// Every wire↔domain conversion: messages to and from N-best lists, jobs, rescored lists
        /// and outcomes. Status mapping stays in the services; no transport here.
        .target(
            name: "RescoringWire",
            dependencies: ["RescoringMessages", "NBest", "RescoringCore", "Evaluation"]),

        // MARK: Services (the edge where the transport meets the domain)
        /// Prometheus text metrics (swift-metrics through swift-prometheus) on a small HTTP/1 port.
        .target(
            name: "ServiceMetrics",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "RescorerServer",
            dependencies: [
                "Rescoring", "RescoringCore", "NBest", "NeuralLM", "Adaptation", "H2RPC", "RescoringMessages",
                "RescoringRPC", "RescoringWire", "ServiceMetrics",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),

        /// What every service executable shares without the model stack: `HOST:PORT` targets,
        /// the grpc.health.v1 probe behind each `health` subcommand, bearer-token files.
        .target(
            name: "ServiceCommandSupport",
            dependencies: [
                "H2RPC", "RescoringMessages", "RescoringRPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        /// The `OutcomeStore` on a PostgreSQL server (postgres-nio), so several aggregators share one
        /// store; its own target because it brings NIO, which `MetricsAggregation` must not.
        .target(
            name: "PostgresOutcomeStore",
            dependencies: [
                "MetricsAggregation", "Evaluation",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        /// The MetricsAggregator service over an `OutcomeStore`: wire records in, wire reports out.
        .target(
            name: "AggregatorServer",
            dependencies: [
                "MetricsAggregation", "PostgresOutcomeStore", "Evaluation", "NBest", "H2RPC",
                "RescoringMessages",
                "RescoringRPC", "RescoringWire",
                "ServiceMetrics",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),

        /// The simulator's client edge: replica streams with failover, records to the aggregator.
        .target(
            name: "SimulationClient",
            dependencies: [
                "Simulation", "H2RPC", "RescoringRPC", "RescoringMessages", "RescoringWire", "NBest",
                .product(name: "Logging", package: "swift-log"),
            ]),

        // MARK: Executables
        .executableTarget(
            name: "secondpass",
            dependencies: [
                "H2RPC", "RescoringMessages", "NBest", "NeuralLM", "Phonetics", "Evaluation", "FirstPass",
                "Adaptation", "Rescoring", "RescoringCore", "RescoringRPC", "RescoringWire", "RescorerServer",
                "SeededRandom",
                "OfflineRescoring", "Pretraining", "NGram", "Recording", "Study",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        /// One rescorer replica: the Rescorer and health services until SIGTERM, plus a health probe.
        .executableTarget(
            name: "lora-rescorer",
            dependencies: [
                "RescorerServer", "Rescoring", "RescoringCore", "H2RPC", "NeuralLM", "ServiceCommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        /// The metrics aggregator: records into SQLite, reports out, plus health and report probes.
        .executableTarget(
            name: "metrics-aggregator",
            dependencies: [
                "AggregatorServer", "MetricsAggregation", "ServiceCommandSupport", "H2RPC", "RescoringRPC",
                "RescoringMessages",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        /// Plays the first pass against rescorer replicas and forwards results to the aggregator.
        .executableTarget(
            name: "nbest-simulator",
            dependencies: [
                "SimulationClient", "Simulation", "FirstPass", "Phonetics", "ServiceCommandSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .executableTarget(
            name: "lm-bench", dependencies: ["NeuralLM", "Adaptation", "RescoringCore", "COpenBLAS"],
            path: "Benchmarks/LMBench"),
        /// Starts lora-rescorer and measures what abusive clients cost it (Scripts/bench-abuse).
        .executableTarget(
            name: "abuse-bench",
            dependencies: [
                "H2RPC", "RescoringRPC", "RescoringMessages", "RawHTTP2Peer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/AbuseBench"),
        /// Starts lora-rescorer, nbest-simulator and metrics-aggregator and measures what the
        /// services add to the engine (Scripts/bench-services).
        .executableTarget(
            name: "services-bench",
            dependencies: [
                "H2RPC", "RescoringRPC", "RescoringMessages", "RescorerServer", "Rescoring", "RescoringCore",
                "RescoringWire", "NBest", "Simulation", "FirstPass", "Phonetics", "NeuralLM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ServicesBench"),
        .executableTarget(
            name: "rpc-bench",
            dependencies: [
                "H2RPC",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/RPCBench"),

        // MARK: Tests
        /// One way for every test target to find the package root and run the Python peers.
        .target(name: "SecondPassTestSupport", path: "Tests/Support"),
        /// A raw HTTP/2 client that sends half a message and vanishes (abuse-bench, rescorer tests).
        .target(name: "RawHTTP2Peer", path: "Tests/RawHTTP2Peer"),
        .testTarget(
            name: "SecondPassTestSupportTests", dependencies: ["SecondPassTestSupport", "ServiceMetrics"],
            path: "Tests/SupportTests"),
        .testTarget(name: "NBestTests", dependencies: ["NBest"]),
        .testTarget(name: "SeededRandomTests", dependencies: ["SeededRandom"]),
        .testTarget(
            name: "NGramTests",
            dependencies: ["SecondPassTestSupport", "NGram", "NBest", "RescoringCore", "SeededRandom"]),
        .testTarget(
            name: "RescoringMessagesTests",
            dependencies: ["SecondPassTestSupport", "RescoringMessages", "SeededRandom"]),
        .testTarget(
            name: "RescoringWireTests",
            dependencies: ["RescoringWire", "RescoringMessages", "RescoringCore", "NBest", "Evaluation"]),
        .testTarget(
            name: "H2RPCTests",
            dependencies: [
                "H2RPC", "RescoringMessages", "SeededRandom", "SecondPassTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(
            name: "NeuralLMTests", dependencies: ["SecondPassTestSupport", "NeuralLM", "SeededRandom"],
            exclude: ["Python"]),
        .testTarget(
            name: "RescoringRPCTests",
            dependencies: [
                "SecondPassTestSupport",
                "RescoringRPC", "H2RPC", "RescoringMessages",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "PhoneticsTests", dependencies: ["Phonetics", "SeededRandom"]),
        .testTarget(
            name: "EvaluationTests",
            dependencies: ["SecondPassTestSupport", "Evaluation", "NBest", "SeededRandom"]),
        .testTarget(name: "FirstPassTests", dependencies: ["FirstPass", "SeededRandom"]),
        .testTarget(
            name: "AdaptationTests",
            dependencies: ["SecondPassTestSupport", "Adaptation", "NeuralLM", "NBest", "RescoringCore"],
            exclude: ["Python"]),
        .testTarget(
            name: "RescoringTests",
            dependencies: [
                "Rescoring", "RescoringCore", "RescorerServer", "RescoringRPC", "RescoringMessages", "H2RPC",
                "NeuralLM",
                "NBest", "OfflineRescoring", "FirstPass", "Evaluation", "Adaptation", "ServiceMetrics",
                "SecondPassTestSupport", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "RescorerServiceTests",
            dependencies: [
                "SecondPassTestSupport", "RawHTTP2Peer", "lora-rescorer", "RescorerServer",
                "ServiceCommandSupport",
                "Rescoring", "RescoringCore", "RescoringRPC",
                "RescoringMessages", "H2RPC",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "ServiceMetricsTests",
            dependencies: [
                "ServiceMetrics", "SecondPassTestSupport",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "MetricsAggregationTests",
            dependencies: [
                "SecondPassTestSupport", "MetricsAggregation", "PostgresOutcomeStore", "Evaluation", "NBest",
                .product(name: "Logging", package: "swift-log"),
            ]),
        /// The aggregator service over loopback and the `metrics-aggregator` process.
        .testTarget(
            name: "AggregatorServerTests",
            dependencies: [
                "SecondPassTestSupport", "AggregatorServer", "MetricsAggregation", "metrics-aggregator",
                "Evaluation", "RescoringRPC", "RescoringMessages", "RescoringWire", "H2RPC",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "DataTests",
            dependencies: ["SecondPassTestSupport", "secondpass", "NeuralLM", "Pretraining", "Adaptation"]),
        /// The recorder on real recordings and flite speech, and `secondpass record` as a process.
        .testTarget(
            name: "RecordingTests",
            dependencies: ["SecondPassTestSupport", "Recording", "FirstPass", "NBest", "secondpass"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "SimulationTests", dependencies: ["Simulation", "FirstPass", "Phonetics", "NBest"]),
        /// Multi-process runs: nbest-simulator against lora-rescorer replicas on loopback.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "SecondPassTestSupport", "nbest-simulator", "lora-rescorer", "metrics-aggregator",
                "secondpass", "MetricsAggregation", "Evaluation", "SimulationClient",
                "Simulation",
                "RescoringRPC", "RescoringMessages", "H2RPC",
                .product(name: "Logging", package: "swift-log"),
            ]),
        /// Compose/k8s manifests parsed and checked against the built executables' flags.
        .testTarget(
            name: "DeploymentTests",
            dependencies: ["SecondPassTestSupport", "lora-rescorer", "metrics-aggregator", "nbest-simulator"]),
        /// The study grid: resumption, the manifest, the answers, the quick grid end to end.
        .testTarget(
            name: "StudyTests",
            dependencies: [
                "SecondPassTestSupport", "Study", "Adaptation", "Evaluation", "FirstPass", "NBest",
                "RescoringCore",
                "secondpass",
            ]),
        /// The `secondpass` command line, run as a process on fixture files.
        .testTarget(
            name: "CLITests",
            dependencies: [
                "SecondPassTestSupport", "secondpass", "NeuralLM", "Pretraining", "FirstPass", "Adaptation",
            ],
            exclude: ["Fixtures"]),
    ]
)

// One policy for every target of ours: compiler warnings are errors, so a warning is fixed where
// it appears instead of accumulating (SwiftPM already silences warnings in dependencies); and an
// `import` is internal unless written `public import`, so a module's public surface says which
// modules its clients must see.
for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .treatAllWarnings(as: .error),
            .enableUpcomingFeature("InternalImportsByDefault"),
        ]
}
