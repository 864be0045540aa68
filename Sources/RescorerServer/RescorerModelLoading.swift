import Adaptation
public import Foundation
import NeuralLM
public import Rescoring
public import RescoringCore

/// A LoRA adapter to serve beside the base model: its routing name and its PEFT directory.
public struct AdapterSource: Sendable, Hashable {
    /// The name clients put in `RescoringConfig.adapter`.
    public var name: String
    /// The folder holding `adapter_config.json` and `adapter_model.safetensors`.
    public var directory: URL

    public init(name: String, directory: URL) {
        self.name = name
        self.directory = directory
    }

    /// Parses the `NAME=DIRECTORY` form of the `--adapter` flags.
    ///
    /// - Throws: `RescorerModelError` (`.invalidAdapterSpecification`) when either side is empty.
    public init(parsing specification: String) throws(RescorerModelError) {
        let parts = specification.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw RescorerModelError(
                .invalidAdapterSpecification, "--adapter takes NAME=DIRECTORY, not '\(specification)'")
        }
        self.init(name: String(parts[0]), directory: URL(fileURLWithPath: String(parts[1])))
    }
}

/// Why a rescorer replica could not load its model or adapters; the message names the file.
///
/// Shaped like `RPCError`: a code to switch on, a message for the operator, the underlying error.
public struct RescorerModelError: Error, Sendable, CustomStringConvertible {
    /// Kinds of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A required file or directory does not exist.
        public static let missingFile = Code("missingFile")
        /// A file exists but cannot be read or is malformed (JSON, safetensors, tensor shapes).
        public static let corruptFile = Code("corruptFile")
        /// An adapter does not fit the base model (modules, shapes, base fingerprint).
        public static let adapterMismatch = Code("adapterMismatch")
        /// An `--adapter` value is not `NAME=DIRECTORY`, two adapters share a name, or a
        /// `LoadAdapter` call has an empty name or path.
        public static let invalidAdapterSpecification = Code("invalidAdapterSpecification")
        /// A `LoadAdapter` path lies outside the replica's `--adapter-root` (or none is allowed).
        public static let outsideAdapterRoot = Code("outsideAdapterRoot")
        /// An `UnloadAdapter` call names an adapter that is not loaded.
        public static let unknownAdapter = Code("unknownAdapter")
    }

    public var code: Code
    public var message: String
    /// The loader's own error, when there is one.
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { message }
}

extension RescoringEngine {
    /// Loads a serving engine: the GPT-2 base in `modelDirectory` (Hugging Face layout:
    /// `config.json`, `model.safetensors`, `tokenizer.json`) and every adapter as a named
    /// serving adapter.
    ///
    /// Files are checked up front so a missing one is reported by path rather than as a generic
    /// read failure deep in a loader; loader errors are mapped to messages naming the file.
    ///
    /// - Parameters:
    ///   - modelDirectory: the base checkpoint folder.
    ///   - adapters: the adapters to serve, with distinct names.
    ///   - defaultFusion: fusion weights for requests that do not override them.
    /// - Throws: `RescorerModelError` naming the missing or bad file.
    public static func load(
        modelDirectory: URL, adapters: [AdapterSource], defaultFusion: ScoreFusion = ScoreFusion()
    ) throws(RescorerModelError) -> RescoringEngine {
        let configFile = modelDirectory.appendingPathComponent("config.json")
        let weightsFile = modelDirectory.appendingPathComponent("model.safetensors")
        let tokenizerFile = modelDirectory.appendingPathComponent("tokenizer.json")
        try requireDirectory(modelDirectory, what: "model directory")
        for file in [configFile, weightsFile, tokenizerFile] { try requireFile(file, what: "model file") }

        var model: GPT2Model
        do {
            model = try GPT2Model(huggingFaceDirectory: modelDirectory)
        } catch let error as NeuralLMError {
            let file = error.code == .invalidConfiguration ? configFile : weightsFile
            throw RescorerModelError(
                .corruptFile, "cannot load the base model from \(file.path): \(error.message)", cause: error)
        } catch {
            throw RescorerModelError(
                .corruptFile, "cannot load the base model from \(modelDirectory.path): \(error)", cause: nil)
        }

        var seen = Set<String>()
        for adapter in adapters {
            guard seen.insert(adapter.name).inserted else {
                throw RescorerModelError(
                    .invalidAdapterSpecification, "two adapters are named '\(adapter.name)'")
            }
            try loadServingAdapter(adapter, into: &model)
        }

        let tokenizer: BPETokenizer
        do {
            tokenizer = try TokenizerFile.read(from: tokenizerFile)
        } catch let error as TokenizerError {
            throw RescorerModelError(
                .corruptFile, "cannot load the tokenizer \(tokenizerFile.path): \(error.message)",
                cause: error)
        } catch {
            throw RescorerModelError(
                .corruptFile, "cannot load the tokenizer \(tokenizerFile.path): \(error)")
        }
        return RescoringEngine(
            model: model, tokenizer: tokenizer,
            modelID:
                "\(modelDirectory.standardizedFileURL.lastPathComponent) (gpt2, \(model.parameterCount) parameters)",
            defaultFusion: defaultFusion)
    }

    /// Checks the adapter's files and registers it as the serving adapter `source.name` of
    /// `model`, which is left unchanged on failure.
    ///
    /// - Throws: `RescorerModelError`: `.missingFile` naming the directory or file,
    ///   `.adapterMismatch` when it does not fit the base (fingerprint, shapes, modules),
    ///   `.corruptFile` otherwise, each with the loader's reason.
    @discardableResult
    static func loadServingAdapter(_ source: AdapterSource, into model: inout GPT2Model)
        throws(RescorerModelError)
        -> PEFTAdapterFiles.Loaded
    {
        try requireDirectory(source.directory, what: "adapter '\(source.name)' directory")
        for file in ["adapter_config.json", "adapter_model.safetensors"] {
            try requireFile(
                source.directory.appendingPathComponent(file), what: "adapter '\(source.name)' file")
        }
        do {
            return try PEFTAdapterFiles.loadServing(named: source.name, from: source.directory, into: &model)
        } catch let error as NeuralLMError {
            let code: RescorerModelError.Code = error.code == .baseMismatch ? .adapterMismatch : .corruptFile
            throw RescorerModelError(
                code, "cannot load adapter '\(source.name)' from \(source.directory.path): \(error.message)",
                cause: error)
        } catch {
            throw RescorerModelError(
                .corruptFile, "cannot load adapter '\(source.name)' from \(source.directory.path): \(error)")
        }
    }

    private static func requireDirectory(_ url: URL, what: String) throws(RescorerModelError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw RescorerModelError(.missingFile, "\(what) \(url.path) does not exist or is not a directory")
        }
    }

    private static func requireFile(_ url: URL, what: String) throws(RescorerModelError) {
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw RescorerModelError(.missingFile, "\(what) \(url.path) is missing or unreadable")
        }
    }
}
