import Foundation
import RescoringMessages
import SecondPassTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// nbest-simulator against three real `lora-rescorer` replicas on loopback, with an in-process
/// aggregator double: balancing, failover after SIGKILL, exactly-once accounting.
@Suite("nbest-simulator with replicas", .serialized)
struct SimulatorFailoverTests {
    static let utterances = 6
    static let conditions = "clean,nbest:p=0.1"
    static let expectedRecords = utterances * 2

    static func runArguments(ports: [Int], aggregator: Int, runID: String, balance: String) -> [String] {
        [
            "run", "--rescorer", ports.map { "127.0.0.1:\($0)" }.joined(separator: ","), "--aggregator",
            "127.0.0.1:\(aggregator)", "--run-id", runID, "--source", "split:austen/test", "--conditions",
            conditions, "--utterances", "\(utterances)", "--adapter", SuiteProcesses.adapterName, "--balance",
            balance, "--seed", "5", "--window", "3",
        ]
    }

    /// What the run chose per (condition, utterance): the index and text of the chosen hypothesis.
    static func choices(_ records: [RecordingAggregator.Key: EvaluationRecord], run: String) -> [String:
        String]
    {
        var choices: [String: String] = [:]
        for (key, record) in records where key.run == run {
            let rescored = record.rescored
            let text = rescored.flatMap { $0.hypotheses.first?.text } ?? "<none>"
            choices["\(key.condition)/\(key.utterance)"] = "\(rescored?.chosenIndex ?? 999): \(text)"
        }
        return choices
    }

    @Test(
        "three replicas share the run; one SIGKILLed mid-run: it completes, each utterance once, same choices"
    )
    func failover() async throws {
        var replicas: [RunningProcess] = []
        defer {
            for replica in replicas { replica.stop() }
        }
        var ports: [Int] = []
        for index in 0..<3 {
            let (replica, port) = try await SuiteProcesses.startReplica(id: "replica-\(index)")
            replicas.append(replica)
            ports.append(port)
        }
        let aggregator = RecordingAggregator()
        let replicaProcesses = replicas
        let replicaPorts = ports
        try await aggregator.serve { aggregatorPort in
            // Undisturbed run, round-robin: every replica answers some utterances.
            let calm = try SuiteProcesses.startSimulator(
                Self.runArguments(
                    ports: replicaPorts, aggregator: aggregatorPort, runID: "calm", balance: "round-robin"))
            defer { calm.stop() }
            let calmExit = try await calm.exit(timeout: .seconds(600))
            #expect(calmExit.status == 0, "stdout: \(calmExit.stdout)\nstderr: \(calmExit.stderr)")
            #expect(calmExit.stdout.contains("\(Self.expectedRecords)/\(Self.expectedRecords) utterances"))
            // The end of a run closes the streams on purpose: nothing to warn about.
            #expect(calmExit.stderr.isEmpty, "stderr: \(calmExit.stderr)")
            let calmRecords = aggregator.stored.filter { $0.key.run == "calm" }
            #expect(calmRecords.count == Self.expectedRecords)
            let served = Dictionary(grouping: calmRecords.values, by: { $0.rescored?.replicaID ?? "" })
            #expect(
                Set(served.keys) == ["replica-0", "replica-1", "replica-2"],
                "per replica: \(served.mapValues(\.count))")

            // Disturbed run, least-outstanding: replica-1 is killed once a quarter is recorded.
            let stormy = try SuiteProcesses.startSimulator(
                Self.runArguments(
                    ports: replicaPorts, aggregator: aggregatorPort, runID: "stormy",
                    balance: "least-outstanding"))
            defer { stormy.stop() }
            // The fact to wait for is a quarter of the records; a run that died first fails with its output.
            try await stormy.whileRunning("a quarter of the disturbed run's records", timeout: .seconds(600))
            {
                await aggregator.waitForRecords(Self.expectedRecords + Self.expectedRecords / 4)
            }
            replicaProcesses[1].stop()
            let stormyExit = try await stormy.exit(timeout: .seconds(600))
            #expect(stormyExit.status == 0, "stdout: \(stormyExit.stdout)\nstderr: \(stormyExit.stderr)")
            #expect(stormyExit.stdout.contains("\(Self.expectedRecords)/\(Self.expectedRecords) utterances"))
            #expect(!stormyExit.stdout.contains("resent after failover: 0;"), "stdout: \(stormyExit.stdout)")

            // Counted once: one stored record per key, and every resend identical to it.
            let stormyRecords = aggregator.stored.filter { $0.key.run == "stormy" }
            #expect(stormyRecords.count == Self.expectedRecords)
            let resends = aggregator.received.filter { $0.runID == "stormy" }
            for record in resends {
                let key = RecordingAggregator.Key(
                    run: "stormy", condition: record.condition, utterance: record.utteranceID)
                #expect(stormyRecords[key] == record)
            }
            #expect(stormyExit.stdout.contains("rejected 0"))

            // The same choices (hence the same WER) as the undisturbed run.
            #expect(Self.choices(stormyRecords, run: "stormy") == Self.choices(calmRecords, run: "calm"))
        }
        let killed = try await replicas[1].exit()
        #expect(killed.reason == .uncaughtSignal)
    }

    @Test("partials on a paced run to a replica named by DNS: every final recorded, plain progress lines")
    func partialsPacedDNS() async throws {
        let (replica, port) = try await SuiteProcesses.startReplica(id: "replica-dns")
        defer { replica.stop() }
        let aggregator = RecordingAggregator()
        try await aggregator.serve { aggregatorPort in
            let simulator = try SuiteProcesses.startSimulator([
                "run", "--rescorer-dns", "localhost:\(port)", "--aggregator", "127.0.0.1:\(aggregatorPort)",
                "--run-id", "partials", "--source", "split:austen/test", "--utterances", "2", "--conditions",
                "clean,homophone-twin:p=0.5", "--partials", "--rate", "20", "--balance", "least-outstanding",
            ])
            defer { simulator.stop() }
            let exit = try await simulator.exit(timeout: .seconds(600))
            #expect(exit.status == 0, "stdout: \(exit.stdout)\nstderr: \(exit.stderr)")
            #expect(exit.stdout.contains("progress: 4/4 done"), "stdout: \(exit.stdout)")
            #expect(!exit.stdout.contains("\r"))
            #expect(exit.stdout.contains("4/4 utterances"))
        }
        let records = aggregator.stored
        #expect(records.count == 4)
        #expect(Set(records.keys.map(\.condition)) == ["clean", "homophone-twin:p=0.5"])
        for record in records.values {
            #expect(record.rescored?.kind == .final)
            #expect(record.rescored?.replicaID == "replica-dns")
            #expect(record.firstPass?.kind == .final)
            #expect(record.rescored?.hypotheses.count == record.firstPass?.hypotheses.count)
        }
    }
}
