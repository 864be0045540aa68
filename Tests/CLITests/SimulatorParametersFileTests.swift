import FirstPass
import Foundation
import SecondPassTestSupport
import Testing

/// `calibrate --fit --parameters-out` and `simulate --parameters`: a profile fitted to real
/// decoder lists is written once and reused, with any flag overriding one field.
@Suite("Simulator parameter files")
struct SimulatorParametersFileTests {
    /// Real pocketsphinx lists of the five LibriVox recordings (Docs/data.md, *Recorded sets*).
    static let recorded = PythonPeer.packageRoot.appendingPathComponent(
        "Tests/RecordingTests/Fixtures/librivox.nbest.jsonl"
    ).path
    /// Small word counts, so the debug binary does not count the whole general corpus.
    static let smallModel = ["--corpus", CLI.fixture("corpus.txt"), "--min-count", "1"]

    static func simulate(_ input: URL, _ output: URL, _ extra: [String]) async throws -> String {
        let result = try await CLI.run(
            ["simulate", "--input", input.path, "--output", output.path, "--seed", "4"] + smallModel + extra)
        #expect(result.status == 0, "stderr: \(result.errorText)")
        return try String(contentsOf: output, encoding: .utf8)
    }

    @Test("fitted parameters round-trip: --parameters equals every flag spelled out, and a flag overrides")
    func roundTrip() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let parametersFile = folder.appendingPathComponent("fitted.json")
        let calibrate = try await CLI.run(
            [
                "calibrate", Self.recorded, "--fit", "--sample", "5", "--max-evaluations", "4",
                "--parameters-out", parametersFile.path,
            ] + Self.smallModel)
        #expect(calibrate.status == 0, "stderr: \(calibrate.errorText)")
        #expect(calibrate.outputText.contains("written to \(parametersFile.path)"))
        let fitted = try JSONDecoder().decode(
            SimulatorParameters.self, from: Data(contentsOf: parametersFile))
        #expect(fitted != SimulatorParameters(), "the fit changed nothing, so the test could not tell")

        let references = folder.appendingPathComponent("references.txt")
        try "the knight rode to the sea\nthey read the whole book by the flower\n".write(
            to: references, atomically: true, encoding: .utf8)
        let fromFile = try await Self.simulate(
            references, folder.appendingPathComponent("file.jsonl"), ["--parameters", parametersFile.path])
        // `--flag=value`: a negative value after a space would read as a flag.
        var spelledOut = [
            "--n=\(fitted.listSize)", "--lm-weight=\(fitted.lmWeight)", "--noise-scale=\(fitted.noiseScale)",
            "--deletion-bias=\(fitted.deletionBias)", "--insertion-bias=\(fitted.insertionBias)",
            "--split-merge-bias=\(fitted.splitMergeBias)", "--acoustic-scale=\(fitted.acousticScale)",
            "--difficulty-dispersion=\(fitted.difficultyDispersion)",
        ]
        if let wer = fitted.targetWER { spelledOut.append("--target-wer=\(wer)") }
        if let rate = fitted.referenceInListRate { spelledOut.append("--reference-in-list-rate=\(rate)") }
        let fromFlags = try await Self.simulate(
            references, folder.appendingPathComponent("flags.jsonl"), spelledOut)
        #expect(fromFile == fromFlags)
        let overridden = try await Self.simulate(
            references, folder.appendingPathComponent("override.jsonl"),
            ["--parameters", parametersFile.path, "--target-wer", "0.6"])
        #expect(overridden != fromFile)
    }

    @Test(
        "a missing, unreadable or invalid parameter file, or --parameters-out without --fit, is one line",
        arguments: [
            (["simulate", "--parameters", "/no/such/fitted.json"], "/no/such/fitted.json"),
            (["simulate", "--parameters", CLI.fixture("corpus.txt")], "is not a simulator parameter file"),
            (["simulate", "--noise-scale", "0"], "simulator parameters: noiseScale must be > 0"),
            (
                ["simulate", "--difficulty-dispersion=-1"],
                "simulator parameters: difficultyDispersion must be ≥ 0"
            ),
            (
                ["calibrate", CLI.fixture("nbest.jsonl"), "--parameters-out", "/tmp/x.json"],
                "--parameters-out needs --fit"
            ),
        ])
    func badInput(arguments: [String], needle: String) async throws {
        var arguments = arguments
        if arguments[0] == "simulate" {
            arguments += ["--input", CLI.fixture("corpus.txt")] + Self.smallModel
        }
        let result = try await CLI.run(arguments)
        #expect(result.status != 0)
        let lines = CLI.errorLines(result)
        #expect(lines.count == 1, "stderr: \(result.errorText)")
        #expect(lines.first?.hasPrefix("secondpass: error: ") == true)
        #expect(lines.first?.contains(needle) == true, "stderr: \(result.errorText)")
    }
}
