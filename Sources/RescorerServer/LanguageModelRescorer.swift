public import H2RPC
import NBest
public import Rescoring
public import RescoringMessages
public import RescoringRPC

/// The `Rescorer` gRPC service backed by a `RescoringEngine`.
///
/// This is the edge where wire messages become domain values: requests are validated and
/// converted, the engine scores them, and engine errors become gRPC statuses
/// (`INVALID_ARGUMENT` for a malformed or empty list, `NOT_FOUND` for an unknown adapter,
/// `OUT_OF_RANGE` for a hypothesis longer than the model's context). On a `Rescore` stream
/// exactly one result is written per request, in request order.
public struct LanguageModelRescorer: RescorerService {
    public let engine: RescoringEngine
    /// Reported in every result so clients can tell replicas apart.
    public let replicaID: String

    public init(engine: RescoringEngine, replicaID: String) {
        self.engine = engine
        self.replicaID = replicaID
    }

    public func rescore(
        requests: RequestStream<RescoreRequest>, results: ResponseWriter<RescoreResult>,
        context: ServerContext
    ) async throws {
        for try await request in requests {
            try await results.write(try rescoreOne(request, context: context))
        }
    }

    public func rescoreOne(_ request: RescoreRequest, context: ServerContext) async throws -> RescoreResult {
        let job = try Self.job(from: request)
        let started = ContinuousClock.now
        let rescored: RescoredList
        do {
            guard let first = try engine.rescore([job]).first else {
                throw RPCError(code: .internal, message: "the engine returned no result")
            }
            rescored = first
        } catch let error as RescoringError {
            throw Self.status(for: error)
        }
        let elapsed = ContinuousClock.now - started
        return RescoreResult(
            rescored, modelID: engine.modelID, replicaID: replicaID,
            computeTimeMicroseconds: UInt64(max(0, elapsed / .microseconds(1))))
    }

    public func listAdapters(_ request: ListAdaptersRequest, context: ServerContext) async throws
        -> ListAdaptersResponse
    {
        ListAdaptersResponse(
            adapters: engine.adapterNames.sorted().map {
                AdapterInfo(name: $0, baseModelID: engine.modelID)
            })
    }

    public func loadAdapter(_ request: LoadAdapterRequest, context: ServerContext) async throws
        -> LoadAdapterResponse
    {
        // The engine's adapters are fixed when the replica starts (`--adapter NAME=DIR`); hot
        // loading needs a mutable adapter registry, which the services issue adds.
        throw RPCError(
            code: .unimplemented,
            message: "this replica serves a fixed adapter set; restart it with --adapter \(request.name)=DIR")
    }

    public func unloadAdapter(_ request: UnloadAdapterRequest, context: ServerContext) async throws
        -> UnloadAdapterResponse
    {
        throw RPCError(
            code: .unimplemented,
            message: "this replica serves a fixed adapter set; adapters cannot be unloaded")
    }

    /// The domain job for a wire request, or `INVALID_ARGUMENT` naming what is wrong.
    static func job(from request: RescoreRequest) throws -> RescoringJob {
        guard let message = request.nbest else {
            throw RPCError(code: .invalidArgument, message: "RescoreRequest.nbest is missing")
        }
        let list: NBestList
        do {
            list = try NBestList(message)
        } catch {
            throw RPCError(code: .invalidArgument, message: "utterance \(message.utteranceID): \(error)")
        }
        guard !list.hypotheses.isEmpty else {
            throw RPCError(
                code: .invalidArgument, message: "utterance \(list.utteranceID): the N-best list is empty")
        }
        let config = request.config
        let adapter = config.flatMap { $0.adapter.isEmpty ? nil : $0.adapter }
        let fusion = config?.fusion.map {
            ScoreFusion(
                firstPassWeight: $0.firstPassWeight, lmWeight: $0.lmWeight, lengthBonus: $0.lengthBonus)
        }
        let limit = config.flatMap { $0.maxHypotheses == 0 ? nil : Int($0.maxHypotheses) }
        return RescoringJob(list: list, adapter: adapter, fusion: fusion, maxHypotheses: limit)
    }

    static func status(for error: RescoringError) -> RPCError {
        switch error.code {
        case .unknownAdapter: RPCError(code: .notFound, message: error.message)
        case .hypothesisTooLong: RPCError(code: .outOfRange, message: error.message)
        case .invalidRequest: RPCError(code: .invalidArgument, message: error.message)
        }
    }
}

extension RescoreResult {
    /// The wire form of a rescored list.
    init(_ rescored: RescoredList, modelID: String, replicaID: String, computeTimeMicroseconds: UInt64) {
        let list = rescored.list
        self.init(
            utteranceID: list.utteranceID, sessionID: list.sessionID, sequenceNumber: list.sequenceNumber,
            kind: ResultKind(list.kind),
            hypotheses: rescored.ranking.map {
                ScoredHypothesis(
                    originalIndex: UInt32($0.originalIndex), text: $0.text, firstPassScore: $0.firstPassScore,
                    lmScore: $0.lmScore, fusedScore: $0.fusedScore, tokenCount: UInt32($0.tokenCount))
            },
            chosenIndex: UInt32(rescored.chosenIndex ?? 0), adapter: rescored.adapter ?? "", modelID: modelID,
            computeTimeMicroseconds: computeTimeMicroseconds, replicaID: replicaID,
            fusion: FusionWeights(
                firstPassWeight: rescored.fusion.firstPassWeight, lmWeight: rescored.fusion.lmWeight,
                lengthBonus: rescored.fusion.lengthBonus))
    }
}
