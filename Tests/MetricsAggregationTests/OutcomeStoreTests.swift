import Evaluation
import Foundation
import MetricsAggregation
import Testing

@Suite("OutcomeStore")
struct OutcomeStoreTests {
    @Test("an identical resend is a duplicate, not a second record")
    func identicalResendIsDuplicate() async throws {
        try await Fixtures.withDatabasePath { path in
            let store = try SQLiteOutcomeStore(path: path)
            let outcomes = Fixtures.outcomes(run: "r", condition: "clean")
            let first = try await store.record(outcomes)
            #expect(first.allSatisfy { $0 == .inserted })
            let again = try await store.record(outcomes)
            #expect(again.allSatisfy { $0 == .duplicate })
            #expect(try await store.count(run: "r") == outcomes.count)
            #expect(try await store.outcomes(run: "r") == (try OutcomeSet(outcomes)))
        }
    }

    @Test("a different outcome under a stored key is a conflict and leaves the stored one")
    func differentResendConflicts() async throws {
        try await Fixtures.withDatabasePath { path in
            let store = try SQLiteOutcomeStore(path: path)
            let original = Fixtures.outcomes(run: "r", condition: "clean")[0]
            var changed = original
            changed.chosenIndex = 2
            changed.chosenText = changed.firstPassTexts[2]
            #expect(try await store.record(original) == .inserted)
            #expect(try await store.record(changed) == .conflict(stored: original))
            #expect(try await store.outcomes(run: "r").outcomes(run: "r", condition: "clean") == [original])
        }
    }

    @Test("an outcome whose chosen index is outside its list is refused and nothing of the batch is stored")
    func invalidOutcomeRefused() async throws {
        try await Fixtures.withDatabasePath { path in
            let store = try SQLiteOutcomeStore(path: path)
            var outcomes = Fixtures.outcomes(run: "r", condition: "clean")
            outcomes[3].chosenIndex = 7
            await #expect(throws: OutcomeStoreError.self) { try await store.record(outcomes) }
            #expect(try await store.count() == 0)
        }
    }

    @Test("records survive closing and reopening the database")
    func restartKeepsRecords() async throws {
        try await Fixtures.withDatabasePath { path in
            let outcomes = Fixtures.study(run: "r")
            do {
                let store = try SQLiteOutcomeStore(path: path)
                _ = try await store.record(Array(outcomes.prefix(20)))
                for outcome in outcomes.dropFirst(20) { try await store.record(outcome) }
            }
            let reopened = try SQLiteOutcomeStore(path: path)
            #expect(try await reopened.count() == outcomes.count)
            #expect(try await reopened.runs() == ["r"])
            #expect(try await reopened.outcomes(run: "r") == (try OutcomeSet(outcomes)))
            #expect(try await reopened.record(outcomes).allSatisfy { $0 == .duplicate })
        }
    }

    @Test("concurrent writers of overlapping keys store each key once")
    func concurrentWriters() async throws {
        try await Fixtures.withDatabasePath { path in
            let store = try SQLiteOutcomeStore(path: path)
            let outcomes = Fixtures.study(run: "r")
            let inserted = try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        // Every writer sends every record, each in its own order.
                        let order = outcomes.indices.map { ($0 * (writer + 1) + writer) % outcomes.count }
                        var inserted = 0
                        for index in Set(order).sorted(by: { ($0 + writer) % 7 < ($1 + writer) % 7 }) {
                            if try await store.record(outcomes[index]) == .inserted { inserted += 1 }
                        }
                        return inserted
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(inserted == outcomes.count)
            #expect(try await store.count() == outcomes.count)
        }
    }

    @Test("a change stream wakes on a new record of its run")
    func changesWakeWatchers() async throws {
        try await Fixtures.withDatabasePath { path in
            let store = try SQLiteOutcomeStore(path: path)
            var changes = store.changes(run: "watched").makeAsyncIterator()
            _ = try await store.record(Fixtures.outcomes(run: "other", condition: "clean"))
            _ = try await store.record(Fixtures.outcomes(run: "watched", condition: "clean"))
            #expect(await changes.next() != nil)
            #expect(try await store.count(run: "watched") == Fixtures.sentences.count)
        }
    }

    @Test("a path that cannot be opened is a precise error")
    func unopenablePath() {
        #expect(throws: OutcomeStoreError.self) {
            try SQLiteOutcomeStore(path: "/nonexistent-folder-\(UUID().uuidString)/m.sqlite")
        }
    }
}
