import Adaptation
public import Foundation
import NeuralLM
public import Rescoring
import Synchronization

/// A loaded adapter as a replica describes it (`ListAdapters`).
public struct AdapterDescription: Sendable, Hashable {
    public var name: String
    /// The folder it was loaded from (symbolic links resolved); `nil` for an adapter the starting
    /// engine already served.
    public var directory: URL?
    /// `lora` or `adalora` (the PEFT type).
    public var strategy: String
    public var rank: Int
    public var targetModules: [String]
    /// Elements of the adapter's factors, summed over every adapted projection.
    public var parameterCount: Int
}

/// The engine a replica serves now, replaced as a whole when an adapter is loaded or unloaded.
///
/// Every request takes the current `Snapshot` when it arrives and scores with it to the end, so
/// a `LoadAdapter` or `UnloadAdapter` never changes a request in flight: one that started with
/// adapter `a` finishes with that `a`, even if `a` is replaced or unloaded meanwhile. A snapshot is
/// an engine value; a new one shares the frozen base weights with the old (copy-on-write), so
/// a swap copies only the adapter table. The swap itself is a store under a `Mutex`; the slow part
/// of a load (reading and checking the files) runs outside it on a scratch copy, so requests never
/// wait for a load, and two loads in a row both land.
public final class AdapterRegistry: Sendable {
    /// An engine and its place in the sequence of swaps.
    public struct Snapshot: Sendable {
        public let engine: RescoringEngine
        /// Increases with every swap; jobs of different generations are scored apart.
        public let generation: UInt64
    }

    private struct State {
        var snapshot: Snapshot
        var descriptions: [String: AdapterDescription]
    }

    private let state: Mutex<State>
    /// Where `LoadAdapter` may read from (symbolic links resolved); `nil` allows no path.
    public let allowedRoot: URL?

    /// - Parameters:
    ///   - engine: the engine to start from, with any adapters it already serves.
    ///   - allowedRoot: the only directory tree remote `LoadAdapter` calls may read; `nil` refuses
    ///     them all, since a remote caller must not make the server read arbitrary files.
    public init(engine: RescoringEngine, allowedRoot: URL? = nil) {
        state = Mutex(State(snapshot: Snapshot(engine: engine, generation: 0), descriptions: [:]))
        self.allowedRoot = allowedRoot.map(Self.resolved)
    }

    /// The engine to score a new request with.
    public var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// Descriptions of the served adapters, sorted by name (adapters the starting engine served
    /// without going through `load` have only their name).
    public var adapters: [AdapterDescription] {
        state.withLock { state in
            state.snapshot.engine.adapterNames.sorted().map { name in
                state.descriptions[name]
                    ?? AdapterDescription(
                        name: name, directory: URL(fileURLWithPath: "/"), strategy: "", rank: 0,
                        targetModules: [],
                        parameterCount: 0)
            }
        }
    }

    /// Loads (or replaces) the adapter `name` from `directory` and swaps it in.
    ///
    /// Loading the same name from the same directory again changes nothing (the call is
    /// idempotent); another directory replaces the adapter for requests that arrive afterwards.
    /// Blocking: it reads the files and checks them against the base (callers on the cooperative
    /// pool should run it on a thread of its own, as `LanguageModelRescorer` does).
    ///
    /// - Parameters:
    ///   - checkingRoot: whether `directory` must lie inside `allowedRoot` (remote calls); the
    ///     operator's own `--adapter` flags are trusted. A relative `directory` is taken relative to
    ///     `allowedRoot`.
    /// - Throws: `RescorerModelError`: `.invalidAdapterSpecification` (empty name or path),
    ///   `.outsideAdapterRoot`, `.missingFile` (no such directory or file), `.corruptFile`,
    ///   `.adapterMismatch` (trained on another base, or shapes that do not fit it).
    @discardableResult
    public func load(name: String, directory path: String, checkingRoot: Bool) throws(RescorerModelError)
        -> AdapterDescription
    {
        guard !name.isEmpty, !path.isEmpty else {
            throw RescorerModelError(.invalidAdapterSpecification, "an adapter needs a name and a path")
        }
        let directory: URL
        if checkingRoot {
            guard let root = allowedRoot else {
                throw RescorerModelError(
                    .outsideAdapterRoot,
                    "this replica loads no adapters at run time (start it with --adapter-root DIR to allow it)"
                )
            }
            directory = Self.resolved(
                path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path))
            guard Self.isInside(directory, root: root) else {
                throw RescorerModelError(
                    .outsideAdapterRoot, "adapter path \(path) lies outside the adapter root \(root.path)")
            }
        } else {
            directory = Self.resolved(URL(fileURLWithPath: path))
        }
        let existing = state.withLock { state in
            state.snapshot.engine.adapterNames.contains(name) ? state.descriptions[name] : nil
        }
        if let existing, existing.directory == directory { return existing }

        // The slow part, on a scratch model without the name, outside the lock.
        var scratch = snapshot.engine.removingAdapter(named: name).model
        let loaded = try RescoringEngine.loadServingAdapter(
            AdapterSource(name: name, directory: directory), into: &scratch)
        let description = AdapterDescription(
            name: name, directory: directory, strategy: loaded.config.peftType.lowercased(),
            rank: loaded.configuration.rank,
            targetModules: loaded.configuration.targetModules.map(\.rawValue),
            parameterCount: Self.parameterCount(of: name, in: scratch))
        state.withLock { state in
            state.snapshot = Snapshot(
                engine: state.snapshot.engine.installingAdapter(named: name, from: scratch, as: name),
                generation: state.snapshot.generation + 1)
            state.descriptions[name] = description
        }
        return description
    }

    /// Stops serving `name` for requests that arrive afterwards; requests already holding a
    /// snapshot finish with it.
    ///
    /// - Throws: `RescorerModelError` `.unknownAdapter` when no adapter of that name is served.
    public func unload(name: String) throws(RescorerModelError) {
        try state.withLock { (state) throws(RescorerModelError) in
            let engine = state.snapshot.engine
            guard engine.adapterNames.contains(name) else {
                throw RescorerModelError(
                    .unknownAdapter,
                    "no adapter named '\(name)' is loaded (loaded: \(engine.adapterNames.sorted().joined(separator: ", ")))"
                )
            }
            state.snapshot = Snapshot(
                engine: engine.removingAdapter(named: name), generation: state.snapshot.generation + 1)
            state.descriptions[name] = nil
        }
    }

    private static func resolved(_ url: URL) -> URL {
        url.standardizedFileURL.resolvingSymlinksInPath()
    }

    private static func isInside(_ url: URL, root: URL) -> Bool {
        let path = url.pathComponents
        let rootPath = root.pathComponents
        return path.count >= rootPath.count && Array(path.prefix(rootPath.count)) == rootPath
    }

    private static func parameterCount(of name: String, in model: GPT2Model) -> Int {
        var count = 0
        for block in model.blocks {
            for linear in [block.attention, block.attentionProjection, block.mlpExpand, block.mlpProjection] {
                count += linear.adapters[name]?.parameters.reduce(0) { $0 + $1.tensor.count } ?? 0
            }
        }
        return count
    }
}
