import Foundation
import RescoringMessages
import SecondPassTestSupport

/// Requests the multi-process fault tests send to a real `lora-rescorer`.
enum FaultFixtures {
    /// Austen-like words; every hypothesis below is made of them, so the lists need no data files.
    static let words = [
        "the", "lady", "was", "not", "in", "her", "room", "and", "mister", "darcy", "said", "that", "he",
        "would", "call", "upon", "them", "at", "once", "with", "his", "sister", "who", "had", "long",
        "wished", "to", "see", "elizabeth", "again", "whole", "family", "were", "walking",
    ]

    /// Hypotheses in a `heavy` list.
    static let heavyCount = 12

    /// A final list of `heavyCount` distinct hypotheses of eight words, the same every run: about
    /// 100 LM positions, seconds of work for a debug-built replica (some 25 ms a position on a
    /// busy machine), so the one compute thread of a test replica stays busy while the test acts
    /// on it (a few RPCs, about 0.1 s), yet the test stays short.
    static func heavy(_ utterance: String, adapter: String = LoraRescorerBinary.adapterName)
        -> RescoreRequest
    {
        let texts = (0..<heavyCount).map { index in
            (0..<8).map { position in
                words[(index * 7 + position * (index % 5 + 1) + position / 3) % words.count]
            }.joined(separator: " ")
        }
        return request(utterance, texts: texts, adapter: adapter)
    }

    /// Hypotheses in a `small` list.
    static let smallCount = 3

    /// A small final list (three hypotheses of six words), different for every `index`: what a
    /// well-behaved client streams.
    static func small(_ index: Int, adapter: String = LoraRescorerBinary.adapterName) -> RescoreRequest {
        let texts = (0..<smallCount).map { variant in
            (0..<6).map { position in words[(index * 3 + variant * 5 + position * 2) % words.count] }
                .joined(separator: " ")
        }
        return request("small-\(index)", texts: texts, adapter: adapter)
    }

    static func request(_ utterance: String, texts: [String], adapter: String) -> RescoreRequest {
        let hypotheses = texts.enumerated().map { index, text in
            HypothesisMessage(
                text: text, totalScore: -10 - Double(index), acousticScore: -8 - Double(index))
        }
        return RescoreRequest(
            nbest: NBestListMessage(
                utteranceID: utterance, sessionID: "fault-tests", kind: .final, stability: 1,
                hypotheses: hypotheses),
            config: RescoringConfig(adapter: adapter))
    }

    /// LM scores of a result in the order of the request's hypotheses.
    static func lmScores(_ result: RescoreResult) -> [Double] {
        result.hypotheses.sorted { $0.originalIndex < $1.originalIndex }.map(\.lmScore)
    }
}

/// The Prometheus text of a replica started with `--metrics-port 0`: the tests read queue depth
/// and running requests from it, the facts a multi-process test can observe from outside.
struct ReplicaMetrics {
    let port: Int

    /// Reads the port from the replica's `lora-rescorer metrics on HOST:PORT` line.
    init(_ replica: RunningProcess) async throws {
        let line = try await replica.line(containing: "lora-rescorer metrics on ")
        guard let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
            throw TestFailure("no port in '\(line)'")
        }
        self.port = port
    }

    /// The metric lines now.
    func lines() async throws -> [Substring] {
        try await HTTPRequest.metrics(port: port).split(separator: "\n")
    }

    /// Waits until a scrape holds `line` exactly (e.g. `rescorer_running_requests 1.0`).
    ///
    /// The replica has no push channel for its queue, so this scrapes every 20 ms; the bound is a
    /// safety net for a broken replica, not a guess at how long the work takes.
    func waitFor(_ line: String, scrapes: Int = 3_000) async throws {
        for _ in 0..<scrapes {
            if try await lines().contains(where: { $0 == line }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("the replica's metrics never showed '\(line)'")
    }
}
