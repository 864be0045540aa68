import PostgresOutcomeStore
import Testing

/// The pause between attempts to reach a PostgreSQL server at start: doubling, and bounded.
@Suite("PostgresStartRetry")
struct PostgresStartRetryTests {
    @Test("delays double from the first and stop at the cap, however many attempts failed")
    func doublesToTheCap() {
        let retry = PostgresStartRetry(initialDelay: .milliseconds(250), maximumDelay: .seconds(5))
        #expect(
            (1...7).map(retry.delay(after:)) == [
                .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(5),
                .seconds(5),
            ])
        #expect(retry.delay(after: 1_000_000) == .seconds(5))
    }

    @Test("a cap below the first delay is raised to it")
    func capAtLeastTheFirstDelay() {
        let retry = PostgresStartRetry(initialDelay: .seconds(2), maximumDelay: .seconds(1))
        #expect(retry.maximumDelay == .seconds(2))
        #expect(retry.delay(after: 3) == .seconds(2))
    }
}
