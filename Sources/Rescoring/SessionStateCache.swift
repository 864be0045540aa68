public import NeuralLM
public import RescoringCore
import Synchronization

/// The utterance of one session that cached states belong to, and the adapter snapshot that
/// computed them.
public struct SessionUtterance: Sendable, Hashable {
    public var session: UInt64
    public var utteranceID: String
    /// The caller's adapter-snapshot generation (`stateGeneration` of the scoring call): states
    /// of one generation never continue a job of another, since an adapter of the same name may
    /// hold other weights there.
    public var generation: UInt64
}

/// LM states of live partial hypotheses, kept per stream and utterance so the next partial or the
/// final list of the utterance computes only its new tokens.
///
/// A stream opens a session, tags its jobs with it (`RescoringJob.session`) and closes it when the
/// stream ends. The engine continues each hypothesis of a session's job from the longest prefix
/// cached for the same session, utterance, adapter and adapter-snapshot generation, keeps the
/// states of a partial list's hypotheses, and frees the utterance's states (for that adapter)
/// once its final list is scored.
/// Closing a session frees all of its states, including any stored by a pass that was still
/// running when the stream ended. States are keyed by session, so one client's states can never
/// continue another's request; the byte budget bounds them all (least recently used evicted
/// first), and eviction only costs recomputation: scores never depend on what is cached.
public final class SessionStateCache: Sendable {
    /// The states, keyed by session and utterance (and adapter, inside the cache).
    public let states: PrefixStateCache<SessionUtterance>
    private let sessions = Mutex((next: UInt64(1), open: Set<UInt64>()))

    /// - Parameter byteBudget: most bytes the states of all sessions may hold.
    public init(byteBudget: Int) {
        states = PrefixStateCache(byteBudget: byteBudget)
    }

    /// Counters: states and bytes held, hits, reused and computed positions, evictions.
    public var statistics: PrefixStateCache<SessionUtterance>.Statistics { states.statistics }

    /// Sessions open now.
    public var openSessionCount: Int { sessions.withLock { $0.open.count } }

    /// A new session for one stream.
    public func openSession() -> RescoringSession {
        sessions.withLock { sessions in
            defer { sessions.next += 1 }
            sessions.open.insert(sessions.next)
            return RescoringSession(id: sessions.next)
        }
    }

    /// Ends a session and frees all its states.
    public func close(_ session: RescoringSession) {
        sessions.withLock { _ = $0.open.remove(session.id) }
        states.removeStates { $0.session == session.id }
    }

    /// Frees the states of one utterance and adapter of a session (its final list was scored
    /// under `generation`), and the utterance's states of older generations, which only a job
    /// accepted before an adapter swap could still use.
    public func finish(
        utteranceID: String, adapter: String?, generation: UInt64 = 0, in session: RescoringSession
    ) {
        states.removeStates(
            owner: SessionUtterance(session: session.id, utteranceID: utteranceID, generation: generation),
            adapter: adapter)
        states.removeStates { owner in
            owner.session == session.id && owner.utteranceID == utteranceID && owner.generation < generation
        }
    }

    /// Frees the states a pass stored for a session that closed meanwhile (its stream ended while
    /// the pass ran); call after every pass that may have stored states.
    func dropStatesOfClosedSessions(_ ids: Set<UInt64>) {
        let closed = sessions.withLock { sessions in ids.filter { !sessions.open.contains($0) } }
        guard !closed.isEmpty else { return }
        states.removeStates { closed.contains($0.session) }
    }

    /// Whether `session` is open (a closed session's jobs neither read nor keep states).
    func isOpen(_ session: RescoringSession) -> Bool {
        sessions.withLock { $0.open.contains(session.id) }
    }
}
