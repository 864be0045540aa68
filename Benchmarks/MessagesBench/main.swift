// Measures the protobuf-c bridge: encode and decode time of a typical RescoreRequest and
// RescoreResult. Prints one JSON object; Scripts/bench-messages compares it with Python
// protobuf (upb) on the same messages in the same run.
import Foundation
import RescoringMessages

/// The benchmark messages; `Tests/Interop/bench_messages.py` builds the same ones.
enum BenchMessages {
    static func request(hypotheses: Int) -> RescoreRequest {
        var list: [HypothesisMessage] = []
        for index in 0..<hypotheses {
            let words: [String] = (0..<12).map { word in "word\((word * 7 + index) % 50)" }
            let tokens: [Int32] = (0..<16).map { token in Int32(token * 97 + index) }
            let step = Double(index)
            list.append(
                HypothesisMessage(
                    text: words.joined(separator: " "), tokenIDs: tokens, totalScore: -10 - step * 0.5,
                    acousticScore: -8 - step * 0.25, lmScore: -2 - step * 0.125,
                    confidence: index.isMultiple(of: 2) ? 0.5 : nil))
        }
        let nbest = NBestListMessage(
            utteranceID: "utt-000123", sessionID: "session-7", sequenceNumber: 42, kind: .final, stability: 1,
            hypotheses: list)
        return RescoreRequest(
            nbest: nbest,
            config: RescoringConfig(
                adapter: "lora-r8", fusion: FusionWeights(firstPassWeight: 1, lmWeight: 0.3, lengthBonus: 0.1)
            ))
    }
}

func measure(iterations: Int, _ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<iterations { try body() }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return seconds / Double(iterations) * 1e6
}

let usage = """
    Usage: messages-bench [--hypotheses N] [--iterations I]
      --hypotheses N   hypotheses in the benchmark RescoreRequest (default 10)
      --iterations I   encodes and decodes timed (default 20000)
    Prints one JSON object (it is always JSON: Scripts/bench-messages compares it with Python's).
    Scripts/bench-messages runs it with --runs and --json of its own.
    """

/// The value of `--name N` (a positive integer), or `fallback` when absent.
func option(_ name: String, default fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name) else { return fallback }
    guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else {
        FileHandle.standardError.write(Data("messages-bench: \(name) needs a positive integer\n".utf8))
        exit(2)
    }
    return value
}

let known: Set = ["--hypotheses", "--iterations"]
if CommandLine.arguments.contains(where: { $0 == "--help" || $0 == "-h" }) {
    print(usage)
    exit(0)
}
// Arguments come in pairs: every odd position must name a known flag.
for (index, argument) in CommandLine.arguments.enumerated() where index % 2 == 1 && !known.contains(argument)
{
    FileHandle.standardError.write(Data("messages-bench: unknown argument \(argument) (see --help)\n".utf8))
    exit(2)
}
let hypotheses = option("--hypotheses", default: 10)
let iterations = option("--iterations", default: 20000)
let request = BenchMessages.request(hypotheses: hypotheses)
let bytes = try request.serializedBytes()
var sink = 0
// Warm-up, then timed loops.
for _ in 0..<1000 {
    sink &+= try RescoreRequest(serializedBytes: request.serializedBytes()).nbest?.hypotheses.count ?? 0
}
let encodeMicroseconds = try measure(iterations: iterations) { sink &+= try request.serializedBytes().count }
let decodeMicroseconds = try measure(iterations: iterations) {
    sink &+= try RescoreRequest(serializedBytes: bytes).nbest?.hypotheses.count ?? 0
}
print(
    """
    {"implementation": "swift-protobuf-c-bridge", "hypotheses": \(hypotheses), "bytes": \(bytes.count), \
    "encode_us": \(encodeMicroseconds), "decode_us": \(decodeMicroseconds), "sink": \(sink)}
    """)
