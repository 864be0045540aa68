/// A compressed prefix trie (radix tree) over token sequences.
///
/// Hypotheses of an N-best list share long prefixes; each node holds a run of tokens that all its
/// sequences share, so computing the nodes instead of the sequences computes every distinct
/// prefix once. Nodes are split wherever a sequence ends or sequences diverge.
public struct PrefixTrie: Sendable {
    /// One run of tokens.
    public struct Node: Sendable {
        /// Tokens of this run.
        public var tokens: [Int]
        /// Parent node index (`nil` for children of the empty root).
        public var parent: Int?
        /// Child node indices in insertion order.
        public var children: [Int]
        /// Indices of the sequences that end exactly at this node's last token.
        public var endingSequences: [Int]
        /// Number of tokens before this run (its first position).
        public var offset: Int
        /// Group of the sequences through this node (sequences of different groups never share).
        public var group: Int
    }

    /// Nodes in breadth-first order: every parent precedes its children.
    public private(set) var nodes: [Node] = []
    /// Node where each input sequence ends.
    public private(set) var endNode: [Int] = []

    /// Builds the trie; every sequence must be non-empty.
    ///
    /// - Parameter groups: optional group per sequence (e.g. the adapter that scores it);
    ///   prefixes are shared only within a group, since different adapters give different states.
    public init(sequences: [[Int]], groups: [Int]? = nil) {
        precondition(groups == nil || groups!.count == sequences.count, "one group per sequence")
        // Uncompressed trie first: one entry per token, under one virtual root per group.
        var tokens: [Int] = []
        var parents: [Int] = []
        var children: [[Int: Int]] = []
        var childOrder: [[Int]] = []
        var endings: [[Int]] = []
        var ends: [Int] = []
        var roots: [Int: Int] = [:]
        var rootOrder: [(group: Int, node: Int)] = []
        for (index, sequence) in sequences.enumerated() {
            let group = groups?[index] ?? 0
            if roots[group] == nil {
                roots[group] = tokens.count
                rootOrder.append((group, tokens.count))
                tokens.append(-1)
                parents.append(-1)
                children.append([:])
                childOrder.append([])
                endings.append([])
            }
            var node = roots[group]!
            for token in sequence {
                if let next = children[node][token] {
                    node = next
                } else {
                    let next = tokens.count
                    tokens.append(token)
                    parents.append(node)
                    children.append([:])
                    childOrder.append([])
                    endings.append([])
                    children[node][token] = next
                    childOrder[node].append(next)
                    node = next
                }
            }
            endings[node].append(index)
            ends.append(node)
        }
        // Compress chains: a run continues while its last entry has one child and no sequence ends.
        var compressedOf = [Int](repeating: -1, count: tokens.count)
        var queue: [(start: Int, parent: Int?, offset: Int, group: Int)] = rootOrder.flatMap { root in
            childOrder[root.node].map { ($0, nil, 0, root.group) }
        }
        var head = 0
        while head < queue.count {
            let (start, parent, offset, group) = queue[head]
            head += 1
            var run = [tokens[start]]
            var last = start
            while endings[last].isEmpty, childOrder[last].count == 1 {
                last = childOrder[last][0]
                run.append(tokens[last])
            }
            let index = nodes.count
            nodes.append(
                Node(
                    tokens: run, parent: parent, children: [], endingSequences: endings[last], offset: offset,
                    group: group))
            if let parent { nodes[parent].children.append(index) }
            compressedOf[last] = index
            for child in childOrder[last] { queue.append((child, index, offset + run.count, group)) }
        }
        endNode = ends.map { compressedOf[$0] }
    }

    /// Positions computed when every node is computed once.
    public var computedPositions: Int { nodes.reduce(0) { $0 + $1.tokens.count } }

    /// Node indices grouped by depth in the compressed trie: each wave depends only on earlier ones.
    public var waves: [[Int]] {
        var depth = [Int](repeating: 0, count: nodes.count)
        var result: [[Int]] = []
        for (index, node) in nodes.enumerated() {
            depth[index] = node.parent.map { depth[$0] + 1 } ?? 0
            if depth[index] == result.count { result.append([]) }
            result[depth[index]].append(index)
        }
        return result
    }
}
