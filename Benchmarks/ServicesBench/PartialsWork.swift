import NBest
import RescorerServer
import Rescoring
import RescoringCore
import RescoringMessages

/// The LM work of the finals, from scratch and after their partials, in transformer positions.
///
/// The latency figure's ceiling: a final after partials can be at most `cold / warm` times faster
/// than from scratch if time follows positions. Counted, not timed, so it is the same on a busy
/// machine and in a debug build (`--work-only`), and it shows at once whether a latency ratio is
/// bounded by the work the lists leave to do or by overheads per call.
struct PartialsWork: Codable, Sendable {
    /// Positions the finals computed, each scored alone in a fresh session.
    var coldPositions = 0
    /// Positions the finals computed after their partials on the same session.
    var warmPositions = 0
    /// Positions the partial lists computed (work done before the final arrives).
    var partialPositions = 0

    /// `coldPositions / warmPositions`: the speed-up the lists allow.
    var ratio: Double { Double(coldPositions) / Double(max(1, warmPositions)) }

    /// Scores every utterance's final cold, then its partials and final warm, on `engine`.
    ///
    /// - Throws: `BenchError` when a list cannot be scored or a warm final chooses differently
    ///   from its cold twin (reuse must never change a result).
    init(engine: RescoringEngine, workload: Workload) throws {
        let sessions = SessionStateCache(byteBudget: 128 << 20)
        func positions(_ list: NBestList, _ session: RescoringSession) throws -> (Int, RescoredList) {
            var job = RescoringJob(list: list, adapter: workload.adapter)
            job.session = session
            let before = sessions.statistics.computedPositions
            let result = try engine.rescore([job], sessions: sessions)[0]
            return (sessions.statistics.computedPositions - before, result)
        }
        func list(_ request: RescoreRequest) throws -> NBestList {
            guard let message = request.nbest else { throw BenchError("workload list without nbest") }
            return try NBestList(message)
        }
        do {
            for utterance in workload.utterances {
                let final = try list(workload.finalRequest(utterance, session: "work", sequence: 2))
                let coldSession = sessions.openSession()
                let (cold, coldResult) = try positions(final, coldSession)
                sessions.close(coldSession)
                let warmSession = sessions.openSession()
                for request in workload.partialRequests(utterance, session: "work", firstSequence: 0) {
                    partialPositions += try positions(try list(request), warmSession).0
                }
                let (warm, warmResult) = try positions(final, warmSession)
                sessions.close(warmSession)
                guard warmResult.chosenIndex == coldResult.chosenIndex else {
                    throw BenchError("\(utterance.id): the final after partials chose differently")
                }
                coldPositions += cold
                warmPositions += warm
            }
        } catch let error as BenchError {
            throw error
        } catch {
            throw BenchError("counting LM positions failed: \(error)")
        }
    }
}
