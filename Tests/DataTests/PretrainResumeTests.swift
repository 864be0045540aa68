import Foundation
import NeuralLM
import Pretraining
import SecondPassTestSupport
import Testing

@testable import secondpass

/// `secondpass pretrain` end to end on a tiny model: checkpoints, exact resume, export, Ctrl-C.
@Suite("Pretraining command")
struct PretrainResumeTests {
    /// A temporary folder with a tiny corpus, validation set and tokenizer.
    struct Fixture {
        let folder: URL

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "secondpass-pretrain-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var generator = SeededGenerator(seed: 17)
            let words = [
                "the", "lord", "said", "to", "moses", "emma", "was", "not", "ill", "disposed", "whale", "sea",
            ]
            let lines = (0..<400).map { _ in
                (0..<(3 + Int(generator.next() % 10))).map { _ in
                    words[Int(generator.next() % UInt64(words.count))]
                }
                .joined(separator: " ")
            }
            try lines.prefix(360).joined(separator: "\n").write(
                to: url("train.txt"), atomically: true, encoding: .utf8)
            try lines.suffix(40).joined(separator: "\n").write(
                to: url("valid.txt"), atomically: true, encoding: .utf8)
            let tokenizer = try BPETrainer(vocabularySize: 300).train(lines.prefix(360))
            try TokenizerFile.write(tokenizer, to: url("tokenizer.json"))
        }

        func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

        func arguments(run: String, steps: Int = 8) -> [String] {
            [
                "--corpus", url("train.txt").path, "--valid", url("valid.txt").path, "--tokenizer",
                url("tokenizer.json").path, "--run", url(run).path, "--embedding-size", "16", "--layers", "1",
                "--heads", "2", "--sequence-length", "32", "--batch-size", "2", "--steps", "\(steps)",
                "--warmup-steps", "2", "--log-every", "2", "--eval-every", "4", "--checkpoint-every", "3",
                "--train-with-dropout",
            ]
        }

        func bytes(_ run: String, _ file: String) throws -> Data {
            try Data(contentsOf: url(run).appendingPathComponent("checkpoint").appendingPathComponent(file))
        }
    }

    @Test("A run stopped and resumed ends bit-identical to an uninterrupted run")
    func exactResume() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        try PretrainCommand.parse(fixture.arguments(run: "straight")).run()
        try PretrainCommand.parse(fixture.arguments(run: "resumed") + ["--max-steps-this-run", "5"]).run()
        let partial = try PretrainingCheckpoint.readState(
            fixture.url("resumed").appendingPathComponent("checkpoint"))
        #expect(partial.step == 5)
        try PretrainCommand.parse(fixture.arguments(run: "resumed")).run()
        for file in ["model.safetensors", "optimizer.safetensors", "trainer_state.json"] {
            #expect(try fixture.bytes("straight", file) == fixture.bytes("resumed", file), "\(file) differs")
        }
        let state = try PretrainingCheckpoint.readState(
            fixture.url("resumed").appendingPathComponent("checkpoint"))
        #expect(state.step == 8)
        let perplexity = try #require(state.validationPerplexity)
        #expect(perplexity < 300, "a trained model beats the uniform distribution over 300 tokens")
    }

    @Test("Resuming with different settings is refused")
    func settingsMismatch() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        try PretrainCommand.parse(fixture.arguments(run: "a", steps: 2)).run()
        #expect(throws: PretrainError.self) {
            try PretrainCommand.parse(fixture.arguments(run: "a", steps: 3)).run()
        }
    }

    @Test("Export writes a Hugging Face directory that loads, with F16 weights and the tokenizer")
    func export() throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let exported = fixture.url("export")
        try PretrainCommand.parse(fixture.arguments(run: "e", steps: 2) + ["--export", exported.path]).run()
        let model = try GPT2Model(huggingFaceDirectory: exported)
        #expect(model.config.vocabSize == 300)
        #expect(model.config.bosTokenId == 1)
        #expect(model.config.eosTokenId == 2)
        let tokenizer = try TokenizerFile.read(from: exported.appendingPathComponent("tokenizer.json"))
        #expect(tokenizer.vocabularySize == 300)
        let file = try SafetensorsFile(contentsOf: exported.appendingPathComponent("model.safetensors"))
        #expect(file.dtypes.values.allSatisfy { $0 == .f16 })
    }

    @Test("SIGINT makes the running command save a checkpoint and exit with status 0")
    func interrupt() async throws {
        let executable = BuiltProducts.secondpass
        try #require(
            FileManager.default.isExecutableFile(atPath: executable.path),
            "no secondpass binary at \(executable.path)")
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.folder) }
        let process = Process()
        process.executableURL = executable
        process.arguments =
            ["pretrain"] + fixture.arguments(run: "i", steps: 1_000_000) + ["--log-every", "1"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let lines = EventLog()
        let exited = EventLog()
        process.terminationHandler = { _ in exited.append("exited") }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // Every line the command prints, as it prints it, until its output closes.
        let reader = Thread {
            let handle = output.fileHandleForReading
            var buffer = Data()
            while case let chunk = handle.availableData, !chunk.isEmpty {
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
            }
            lines.end()
        }
        reader.start()
        // Interrupt once training steps are being logged (the 120 s timeout is a safety net).
        let training = await lines.wait(timeout: .seconds(120)) { $0.contains { $0.contains("step 3/") } }
        #expect(training, "no 'step 3/' line: \(lines.entries.suffix(5))")
        process.interrupt()
        #expect(await exited.wait(for: "exited", timeout: .seconds(120)))
        #expect(await lines.waitForEnd(timeout: .seconds(10)), "output did not close")
        let text = lines.entries.joined(separator: "\n")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "log: \(text)")
        #expect(text.contains("interrupted: checkpoint saved"))
        let state = try PretrainingCheckpoint.readState(fixture.url("i").appendingPathComponent("checkpoint"))
        #expect(state.step >= 3)
    }
}
