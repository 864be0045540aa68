import Evaluation
public import H2RPC
public import Logging
public import MetricsAggregation
public import RescoringMessages
public import RescoringRPC
import RescoringWire

/// `secondpass.rescoring.v1.MetricsAggregator` over an `OutcomeStore`.
///
/// `Record` validates and stores each record as it arrives: a bad record is counted in
/// `rejected` (its reason among the first `maxReportedErrors`) and the stream goes on; a resent
/// identical record counts as a duplicate; a resent *different* record is rejected as a conflict
/// (see `RecordDisposition`). Only a storage failure ends the stream, with `UNAVAILABLE` (the
/// simulator's record buffer resends); records stored before it stay stored, and resending is
/// safe since storing is idempotent. Reads fail with `UNAVAILABLE` when the database cannot be
/// reached (a PostgreSQL restart) and `INTERNAL` otherwise.
public struct AggregatorService: MetricsAggregatorService {
    /// How many rejection reasons a summary carries (the count covers all of them).
    public static let maxReportedErrors = 16

    public let store: any OutcomeStore
    public let reports: RunReportBuilder
    /// Where records, reports and watch streams are counted; `nil` without `--metrics-port`.
    public let metrics: AggregatorMetrics?
    private let logger: Logger

    public init(
        store: any OutcomeStore, reports: RunReportBuilder = RunReportBuilder(),
        metrics: AggregatorMetrics? = nil,
        logger: Logger
    ) {
        self.store = store
        self.reports = reports
        self.metrics = metrics
        self.logger = logger
    }

    public func record(_ records: RequestStream<EvaluationRecord>, context: ServerContext) async throws
        -> RecordSummary
    {
        var summary = RecordSummary()
        // Counted when the stream ends, also by a storage failure: what was stored stays stored.
        defer {
            metrics?.recordStream(
                accepted: summary.accepted, duplicates: summary.duplicates, rejected: summary.rejected)
        }
        func reject(_ reason: String) {
            summary.rejected += 1
            if summary.errors.count < Self.maxReportedErrors { summary.errors.append(reason) }
        }
        for try await record in records {
            let outcome: UtteranceOutcome
            do {
                outcome = try UtteranceOutcome(validating: record)
            } catch {
                reject(error.description)
                continue
            }
            let disposition: RecordDisposition
            do {
                disposition = try await store.record(outcome)
            } catch  where error.code == .invalidOutcome {
                // A rule only the store checks (no NUL in texts): a bad record, not a failure.
                reject(error.message)
                continue
            } catch {
                logger.error("cannot store a record", metadata: ["error": "\(error)"])
                throw RPCError(
                    code: .unavailable,
                    message:
                        "record store failed after \(summary.accepted) accepted records: \(error.message)",
                    cause: error)
            }
            switch disposition {
            case .inserted: summary.accepted += 1
            case .duplicate: summary.duplicates += 1
            case .conflict:
                reject(
                    "\(outcome.run)/\(outcome.condition)/\(outcome.utteranceID): a different outcome is already "
                        + "stored under this key (record a corrected rerun under a new run_id)")
            }
        }
        logger.debug(
            "record stream ended",
            metadata: [
                "accepted": "\(summary.accepted)", "duplicates": "\(summary.duplicates)",
                "rejected": "\(summary.rejected)", "peer": "\(context.peer)",
            ])
        return summary
    }

    public func getReport(_ request: ReportRequest, context: ServerContext) async throws -> Report {
        let clean = try Self.validate(request)
        guard
            try await storeCall({ () async throws(OutcomeStoreError) in
                try await store.count(run: request.runID)
            }) > 0
        else {
            throw RPCError(code: .notFound, message: "no records for run '\(request.runID)'")
        }
        return Report(try await report(run: request.runID, cleanCondition: clean, method: "GetReport"))
    }

    /// Sends the report now, then after every change to the run's records, until the client
    /// cancels or the server shuts down. A run without records yet is reported from its first.
    public func watchReport(
        _ request: ReportRequest, reports writer: ResponseWriter<Report>, context: ServerContext
    ) async throws {
        let clean = try Self.validate(request)
        metrics?.watchStreamOpened()
        defer { metrics?.watchStreamClosed() }
        // Subscribe before the first read so no record falls between the two.
        let changes = store.changes(run: request.runID)
        if try await storeCall({ () async throws(OutcomeStoreError) in
            try await store.count(run: request.runID)
        }) > 0 {
            try await writer.write(
                Report(try await report(run: request.runID, cleanCondition: clean, method: "WatchReport")))
        }
        for await _ in changes {
            if Task.isCancelled { return }
            try await writer.write(
                Report(try await report(run: request.runID, cleanCondition: clean, method: "WatchReport")))
        }
    }

    /// The current report of `run`.
    ///
    /// - Parameter method: who asks, the label of `aggregator_reports_total`.
    public func report(run: String, cleanCondition: String, method: String = "writer") async throws
        -> RunReport
    {
        let started = ContinuousClock.now
        defer { metrics?.recordReport(method: method, duration: ContinuousClock.now - started) }
        let outcomes = try await storeCall { () async throws(OutcomeStoreError) in
            try await store.outcomes(run: run)
        }
        do {
            return try reports.report(outcomes, run: run, cleanCondition: cleanCondition)
        } catch {
            throw RPCError(code: .internal, message: "cannot compute the report of run '\(run)': \(error)")
        }
    }

    private static func validate(_ request: ReportRequest) throws -> String {
        guard !request.runID.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "run_id is empty")
        }
        return request.cleanCondition.isEmpty ? "clean" : request.cleanCondition
    }

    private func storeCall<T>(_ body: () async throws(OutcomeStoreError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw RPCError(
                code: error.code == .unavailable ? .unavailable : .internal,
                message: "record store failed: \(error.message)", cause: error)
        }
    }
}
