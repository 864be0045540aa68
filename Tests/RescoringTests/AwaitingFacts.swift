/// A test waited longer than its safety net for a fact that should have come true.
struct FactNeverCameTrue: Error, CustomStringConvertible {
    var fact: String
    var limit: Duration
    var description: String { "\(fact) did not happen within \(limit)" }
}

/// Runs `body`, which awaits a fact, and fails with `FactNeverCameTrue` if it has not returned
/// within `limit`: the limit is a generous safety net, never the thing under test.
func within<Value: Sendable>(
    _ limit: Duration, _ fact: String, _ body: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw FactNeverCameTrue(fact: fact, limit: limit)
        }
        return value
    }
}
