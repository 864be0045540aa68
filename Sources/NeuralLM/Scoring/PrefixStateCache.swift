import Synchronization

/// Model states of scored prefixes kept between scoring calls, bounded by memory (LRU).
///
/// A live recognizer sends one partial N-best list after another for the same utterance, each
/// extending the last by a word, then the final list. Scoring each from scratch recomputes the
/// same prefixes over and over; keeping the state of every scored hypothesis lets the next list
/// compute only its new tokens. States are filed under an `Owner` (a stream and utterance, say)
/// and an adapter: a lookup sees only the states of its own owner and adapter, so one client's
/// states never serve another's, and a state computed with one adapter never continues another.
///
/// Memory is bounded by `byteBudget`: after every store, the least recently used states (from any
/// owner) are evicted until the states fit. A state larger than the whole budget is not kept.
/// Eviction only costs recomputation; scores do not depend on what is cached.
///
/// Thread-safe (one lock around the index); scoring itself runs outside the lock.
public final class PrefixStateCache<Owner: Hashable & Sendable>: Sendable {
    /// What the cache holds and what it saved.
    public struct Statistics: Sendable, Equatable {
        /// States held now.
        public var entries = 0
        /// Bytes accounted to the states held now (`PrefixStateCache.accountedBytes`).
        public var bytes = 0
        /// Sentences looked up by cached scoring calls.
        public var lookups = 0
        /// Lookups that found a cached prefix.
        public var hits = 0
        /// Positions the found prefixes held (work not recomputed).
        public var reusedPositions = 0
        /// Positions the transformer computed in cached scoring calls.
        public var computedPositions = 0
        /// States stored.
        public var stores = 0
        /// States evicted to stay within the budget.
        public var evictions = 0
    }

    /// Owner and adapter: the partition a lookup is confined to.
    struct Slot: Hashable, Sendable {
        var owner: Owner
        var adapter: String?
    }

    struct Entry: Sendable {
        var state: PrefixState
        var bytes: Int
        var lastUse: UInt64
        /// When it was stored (the clock then): the tie-break between equally long matches, so a
        /// lookup's answer depends only on the calls made, never on hashing order.
        var stored: UInt64
    }

    struct Contents: Sendable {
        /// Per partition, states by their BOS-framed token prefix.
        var slots: [Slot: [[Int]: Entry]] = [:]
        var clock: UInt64 = 0
        var statistics = Statistics()

        mutating func remove(_ slot: Slot) {
            guard let removed = slots.removeValue(forKey: slot) else { return }
            statistics.entries -= removed.count
            statistics.bytes -= removed.values.reduce(0) { $0 + $1.bytes }
        }
    }

    /// Most bytes the states may hold.
    public let byteBudget: Int
    let contents = Mutex(Contents())

    /// - Parameter byteBudget: most bytes the states may hold (0 keeps nothing).
    public init(byteBudget: Int) {
        self.byteBudget = max(0, byteBudget)
    }

    /// Bytes a state for `tokens` is accounted: its tensors plus its key (the token ids).
    public static func accountedBytes(_ state: PrefixState, tokens: [Int]) -> Int {
        state.tensorBytes + tokens.count * MemoryLayout<Int>.stride
    }

    /// A snapshot of the counters.
    public var statistics: Statistics { contents.withLock { $0.statistics } }

    /// The state of the longest prefix of `input` (BOS-framed tokens) that the owner's and
    /// adapter's partition can continue from, marked as just used; `nil` when no kept state shares
    /// more than BOS with `input`.
    ///
    /// A kept state serves every prefix of its own tokens (`PrefixState.truncated(to:)`), so the
    /// answer is the longest common prefix of `input` with any kept state's tokens: a revised
    /// hypothesis continues from the positions it shares with an earlier one, not only from an
    /// earlier hypothesis it extends whole. Of equally long matches, one needing no truncation
    /// wins, then the earliest stored, so equal call sequences give equal answers.
    public func longestPrefix(of input: [Int], owner: Owner, adapter: String?) -> PrefixState? {
        let found: (state: PrefixState, length: Int)? = contents.withLock { contents in
            contents.statistics.lookups += 1
            let slot = Slot(owner: owner, adapter: adapter)
            // Search on a borrowed view, then update in place (a held copy would force a copy).
            let best: (key: [Int], length: Int, state: PrefixState)? = {
                guard let states = contents.slots[slot] else { return nil }
                var best: (key: [Int], length: Int, exact: Bool, stored: UInt64, state: PrefixState)?
                for (key, entry) in states {
                    let length = Self.commonPrefixLength(key, input)
                    let exact = length == key.count
                    // BOS alone is worth continuing from only as a whole kept state (an empty
                    // hypothesis), as before; cutting another state back to it saves nothing.
                    guard length >= 2 || (exact && length == input.count) else { continue }
                    if let current = best {
                        guard
                            (length, exact ? 1 : 0, -Int64(entry.stored))
                                > (current.length, current.exact ? 1 : 0, -Int64(current.stored))
                        else { continue }
                    }
                    best = (key, length, exact, entry.stored, entry.state)
                }
                return best.map { ($0.key, $0.length, $0.state) }
            }()
            guard let best else { return nil }
            contents.clock += 1
            contents.slots[slot]?[best.key]?.lastUse = contents.clock
            contents.statistics.hits += 1
            contents.statistics.reusedPositions += best.length
            return (best.state, best.length)
        }
        // Copying the truncated tensors happens outside the lock.
        return found.map { $0.state.truncated(to: $0.length) }
    }

    /// Number of leading tokens `a` and `b` share.
    static func commonPrefixLength(_ a: [Int], _ b: [Int]) -> Int {
        var length = 0
        let limit = min(a.count, b.count)
        while length < limit, a[length] == b[length] { length += 1 }
        return length
    }

    /// Keeps `state` as the state after `tokens` for the owner and adapter, then evicts the least
    /// recently used states until all fit the budget.
    public func store(_ state: PrefixState, tokens: [Int], owner: Owner, adapter: String?) {
        store([(state, tokens, owner, adapter)])
    }

    /// Keeps several states at once (one eviction pass).
    public func store(_ states: [(state: PrefixState, tokens: [Int], owner: Owner, adapter: String?)]) {
        contents.withLock { contents in
            for (state, tokens, owner, adapter) in states {
                precondition(state.positions == tokens.count, "a state covers its tokens")
                let bytes = Self.accountedBytes(state, tokens: tokens)
                guard bytes <= byteBudget else { continue }
                let slot = Slot(owner: owner, adapter: adapter)
                contents.clock += 1
                let entry = Entry(state: state, bytes: bytes, lastUse: contents.clock, stored: contents.clock)
                if let old = contents.slots[slot, default: [:]].updateValue(entry, forKey: tokens) {
                    contents.statistics.bytes -= old.bytes
                    contents.statistics.entries -= 1
                }
                contents.statistics.bytes += bytes
                contents.statistics.entries += 1
                contents.statistics.stores += 1
            }
            evict(&contents)
        }
    }

    /// Drops the least recently used states until the rest fit the budget.
    private func evict(_ contents: inout Contents) {
        guard contents.statistics.bytes > byteBudget else { return }
        var candidates: [(slot: Slot, tokens: [Int], entry: Entry)] = []
        for (slot, states) in contents.slots {
            for (tokens, entry) in states { candidates.append((slot, tokens, entry)) }
        }
        candidates.sort { $0.entry.lastUse < $1.entry.lastUse }
        for candidate in candidates {
            guard contents.statistics.bytes > byteBudget else { break }
            contents.slots[candidate.slot]?[candidate.tokens] = nil
            if contents.slots[candidate.slot]?.isEmpty == true { contents.slots[candidate.slot] = nil }
            contents.statistics.bytes -= candidate.entry.bytes
            contents.statistics.entries -= 1
            contents.statistics.evictions += 1
        }
    }

    /// Frees the states of one owner and adapter (e.g. an utterance whose final list was scored).
    public func removeStates(owner: Owner, adapter: String?) {
        contents.withLock { $0.remove(Slot(owner: owner, adapter: adapter)) }
    }

    /// Frees the states of every owner matching `predicate` (e.g. every utterance of a stream that
    /// ended).
    public func removeStates(where predicate: (Owner) -> Bool) {
        contents.withLock { contents in
            for slot in contents.slots.keys where predicate(slot.owner) { contents.remove(slot) }
        }
    }

    /// Frees every state computed with `adapter` (e.g. when the adapter is unloaded or replaced).
    public func removeStates(adapter: String) {
        contents.withLock { contents in
            for slot in contents.slots.keys where slot.adapter == adapter { contents.remove(slot) }
        }
    }

    /// Counts positions a cached scoring call computed.
    func recordComputed(_ positions: Int) {
        contents.withLock { $0.statistics.computedPositions += positions }
    }
}
