import FirstPass
import Foundation
import NBest
import SecondPassTestSupport
import Study
import Testing

/// `secondpass calibration-gap` as a user runs it, on "real" lists that are themselves simulated
/// with known parameters far from the defaults: the calibrated condition must come close to them
/// and the uncalibrated one must not, and the report's ratios and goal check must follow from its
/// own WERR figures.
@Suite struct CalibrationGapTests {
    /// Austen dev-region sentences (6 to 16 words): 24 dev lists, 24 test lists.
    static let sentences = [
        "she is my youngest girl but one",
        "my youngest of all is lately married",
        "now they came to an understanding",
        "missus price was greatly obliged and very complying",
        "he stopt and ungentlemanlike as he looked fanny was obliged to introduce him to mister crawford",
        "she could not have a doubt of the manner in which mister crawford must be struck",
        "he must be ashamed and disgusted altogether",
        "fanny was most conveniently in want of rest",
        "this was aimed and well aimed at fanny",
        "to be the friend of the poor and the oppressed",
        "she turned away and wished he would not say such things",
        "it was a real indulgence to her to hear or to speak of mansfield",
        "as animated as diversified as social but with circumstances of superiority undescribable",
        "mansfield sotherton thornton lacey he continued what a society will be comprised in those houses",
        "the prices were just setting off for church the next day when mister crawford appeared again",
        "the family were now seen to advantage",
        "the loveliness of the day and of the view he felt like herself",
        "you have been here a month i think said he",
        "it is only four weeks to morrow since i left mansfield",
        "you are a most accurate and honest reckoner",
        "i should call that a month",
        "i did not arrive here till tuesday evening",
        "and it is to be a two months visit is not",
        "my uncle talked of two months",
        "i suppose it will not be less",
        "and how are you to be conveyed back again",
        "i have heard nothing about it yet from my aunt",
        "perhaps i may be to stay longer",
        "it may not be convenient for me to be fetched exactly at the two months end",
        "two months is an ample allowance i should think six weeks quite enough",
        "she requires constant air and exercise",
        "you know the ease and the pleasure with which this would be done",
        "you know all that would be felt on the occasion",
        "fanny thanked him but tried to laugh it off",
        "i am perfectly serious he replied as you perfectly know",
        "and i hope you will not be cruelly concealing any tendency to indisposition",
        "this was towards the close of their walk",
        "is there anything i can do for you in town",
        "i have half an idea of going into norfolk again soon",
        "i am not satisfied about maddison",
        "i must come to an understanding with him",
        "i was not explicit enough with him before",
        "would it not be worse than simple",
        "you know very well what is right",
        "when you give me your opinion i always know what is right",
        "your judgment is my rule of right",
        "oh no do not say so",
        "good bye i wish you a pleasant journey to morrow",
    ]

    /// The "real" decoder, far from the defaults: 5 hypotheses (the default simulator makes 10),
    /// less noise, and almost no insertions (about 3% of errors on these sentences, 40% by default).
    static var truth: SimulatorParameters {
        var parameters = SimulatorParameters()
        parameters.targetWER = 0.2
        parameters.listSize = 5
        parameters.noiseScale = 0.5
        parameters.insertionBias = 1
        return parameters
    }

    static let lexicon = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"

    /// Writes the sentences (the word counts), and the "real" dev and test lists simulated by `truth`.
    static func realLists(in folder: URL) throws -> (dev: URL, test: URL, words: URL) {
        let words = folder.appendingPathComponent("sentences.txt")
        try Data((sentences.joined(separator: "\n") + "\n").utf8).write(to: words)
        let model = try SimulatedLists.model(lexicon: URL(fileURLWithPath: lexicon), wordCounts: [words])
        let simulator = try NBestSimulator(model: model, parameters: truth, seed: 77)
        func lists(_ part: ArraySlice<String>, _ name: String) throws -> URL {
            let records = part.enumerated().map { index, sentence in
                simulator.simulate(reference: sentence, utteranceID: "\(name)-\(index + 1)")
            }
            let file = folder.appendingPathComponent("\(name).jsonl")
            try NBestJSONL.write(records, toFile: file.path)
            return file
        }
        return (try lists(sentences.prefix(24), "dev"), try lists(sentences.suffix(24), "test"), words)
    }

    static func run(_ arguments: [String]) async throws -> ChildProcess.Result {
        let binary = BuiltProducts.secondpass
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path), "build with swift build --build-tests")
        return try await ChildProcess.run(
            binary, arguments: ["calibration-gap"] + arguments, currentDirectory: PythonPeer.packageRoot)
    }

    @Test func calibrationClosesTheGapToKnownListsAndTheReportDoesItsArithmetic() async throws {
        let folder = try StudyFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = try Self.realLists(in: folder)
        let output = folder.appendingPathComponent("gap")
        let result = try await Self.run([
            "--dev", real.dev.path, "--test", real.test.path, "--dictionary", Self.lexicon,
            "--word-counts", real.words.path, "--sample", "24", "--max-evaluations", "40",
            "--resamples", "100", "--threads", "1", "--output", output.path,
        ])
        try #require(result.status == 0, "\(result.errorText)")
        let data = try Data(contentsOf: output.appendingPathComponent("gap.json"))
        let report = try JSONDecoder().decode(CalibrationGapReport.self, from: data)
        try #require(report.conditions.map(\.name) == ["real", "uncalibrated", "calibrated"])
        let (truth, uncalibrated, calibrated) = (
            report.conditions[0], report.conditions[1], report.conditions[2]
        )

        // Same sentences, same ids and order, in every condition.
        let realIDs = try NBestJSONL.read(contentsOfFile: real.test.path).records.map(\.list.utteranceID)
        for name in ["uncalibrated", "calibrated"] {
            let lists = try NBestJSONL.read(
                contentsOfFile: output.appendingPathComponent("lists/\(name)/test.jsonl").path
            ).records
            #expect(lists.map(\.list.utteranceID) == realIDs)
            #expect(lists.map(\.reference) == Array(Self.sentences.suffix(24)))
        }
        #expect(uncalibrated.label.contains("uncalibrated") && uncalibrated.label.contains("real dev lists"))
        #expect(calibrated.label.contains("calibrated to dev.jsonl"))

        // The uncalibrated simulator keeps its defaults; the fit recovers the known list size and
        // error mix. (24 lists of about 240 words: the 1-best WER of two simulations of them
        // differs by a few points by chance; the profile test below measures closeness on more.)
        #expect(uncalibrated.parameters?.listSize == 10)
        #expect(calibrated.parameters?.listSize == Self.truth.listSize)
        for (real, before, after) in [
            (truth.devProfile, uncalibrated.devProfile, calibrated.devProfile),
            (truth.testProfile, uncalibrated.testProfile, calibrated.testProfile),
        ] {
            #expect(abs(after.oneBestWER - real.oneBestWER) < 0.08)
            #expect(after.meanListSize == real.meanListSize && before.meanListSize == 10)
            #expect(abs(after.insertionShare - real.insertionShare) < 0.1)
            #expect(abs(before.insertionShare - real.insertionShare) > 0.2)
        }

        // The ratios and the goal check follow from the conditions' own WERR figures.
        let realWERR = try #require(truth.figures.test.rescoringWERR.estimate)
        for (comparison, condition) in [(report.before, uncalibrated), (report.after, calibrated)] {
            let simulated = try #require(condition.figures.test.rescoringWERR.estimate)
            #expect(comparison.condition == condition.name)
            #expect(comparison.realWERR == realWERR && comparison.simulatedWERR == simulated)
            if realWERR != 0 { #expect(comparison.ratio == simulated / realWERR) }
            #expect(comparison.difference == simulated - realWERR)
            // Their paired-bootstrap intervals are of the same statistics.
            let difference = try #require(comparison.differenceInterval)
            #expect(abs(try #require(difference.estimate) - (simulated - realWERR)) < 1e-12)
            #expect(try #require(difference.lower) <= #require(difference.upper))
            if realWERR != 0 {
                #expect(abs(try #require(comparison.ratioInterval?.estimate) - simulated / realWERR) < 1e-12)
            }
            #expect(comparison.withinAThird == (realWERR > 0 && abs(simulated - realWERR) <= realWERR / 3))
        }

        // The printed table and gap.md carry the same figures.
        let markdown = try String(contentsOf: output.appendingPathComponent("gap.md"), encoding: .utf8)
        for text in [markdown, result.outputText] {
            #expect(text.contains("WERR sim / WERR real"))
            #expect(text.contains("within a third of WERR real"))
            #expect(text.contains(calibrated.label))
        }
    }

    /// The lists behind the calibrated condition, on enough words to measure closeness: each
    /// sentence twice in dev and twice in test under other ids (the simulator draws per id).
    @Test func calibratedListsOfTheSameSentencesComeCloseToTheKnownProfile() throws {
        let folder = try StudyFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let words = folder.appendingPathComponent("sentences.txt")
        try Data((Self.sentences.joined(separator: "\n") + "\n").utf8).write(to: words)
        let model = try SimulatedLists.model(lexicon: URL(fileURLWithPath: Self.lexicon), wordCounts: [words])
        let truth = try NBestSimulator(model: model, parameters: Self.truth, seed: 77)
        func records(_ prefixes: [String]) -> [NBestRecord] {
            prefixes.flatMap { prefix in
                Self.sentences.enumerated().map {
                    truth.simulate(reference: $1, utteranceID: "\(prefix)-\($0)")
                }
            }
        }
        let real = CalibrationGapLists(
            dev: records(["dev-a", "dev-b"]), test: records(["test-a", "test-b"]))
        let devFile = folder.appendingPathComponent("real-dev.jsonl")
        try NBestJSONL.write(real.dev, toFile: devFile.path)
        func profile(_ records: [NBestRecord]) throws -> ErrorProfile {
            try ErrorProfile.measure(records, lexicon: model.lexicon)
        }
        let realDev = try profile(real.dev)
        let calibrated = try SimulatedLists.calibrated(
            model: model, to: devFile, sample: real.dev.count, maximumEvaluations: 40, seed: 1)
        let before = try real.simulated(
            by: SimulatedLists.uncalibrated(targetWER: realDev.oneBestWER), model: model, seed: 1)
        let after = try real.simulated(by: calibrated, model: model, seed: 1)
        #expect(calibrated.parameters.listSize == Self.truth.listSize)
        for (truth, before, after) in [
            (realDev, try profile(before.dev), try profile(after.dev)),
            (try profile(real.test), try profile(before.test), try profile(after.test)),
        ] {
            #expect(abs(after.oneBestWER - truth.oneBestWER) < 0.03)
            #expect(
                after.distance(to: truth) < before.distance(to: truth) / 2,
                "known\n\(truth.formatted())\nuncalibrated\n\(before.formatted())\ncalibrated\n\(after.formatted())"
            )
        }
    }

    @Test func theGoalCheckIsWithinAThirdOfTheRealWERR() {
        let tripled = CalibrationGapComparison(condition: "uncalibrated", realWERR: 0.09, simulatedWERR: 0.27)
        #expect(abs(tripled.ratio! - 3) < 1e-12)
        #expect(abs(tripled.difference! - 0.18) < 1e-12)
        #expect(!tripled.withinAThird)
        // Exactly a third away, above and below (binary fractions: no rounding).
        #expect(CalibrationGapComparison(condition: "c", realWERR: 0.75, simulatedWERR: 1).withinAThird)
        #expect(CalibrationGapComparison(condition: "c", realWERR: 0.75, simulatedWERR: 0.5).withinAThird)
        #expect(!CalibrationGapComparison(condition: "c", realWERR: 0.75, simulatedWERR: 0.4).withinAThird)
        // No real gain: no ratio and no goal met; an undefined WERR: nothing computed.
        let noGain = CalibrationGapComparison(condition: "c", realWERR: 0, simulatedWERR: 0.1)
        #expect(noGain.ratio == nil && !noGain.withinAThird)
        #expect(!CalibrationGapComparison(condition: "c", realWERR: -0.1, simulatedWERR: -0.1).withinAThird)
        let undefined = CalibrationGapComparison(condition: "c", realWERR: nil, simulatedWERR: 0.1)
        #expect(undefined.ratio == nil && undefined.difference == nil && !undefined.withinAThird)
    }

    /// A bad input is one error line naming the problem, and a non-zero exit, before any slow
    /// work: bad lists before the model loads, a missing model or adapter before the lexicon.
    @Test(arguments: [
        ("missing", "dev lists: cannot read"),
        ("empty", "holds no final list"),
        ("same-file", "are the same file"),
        ("shared-ids", "share 3 utterance id(s) (first: test-1)"),
        ("no-model", "no-model does not exist or is not a directory"),
        ("no-adapter", "adapter 'no-adapter' directory"),
    ])
    func aBadInputIsOneErrorLine(problem: String, message: String) async throws {
        let folder = try StudyFixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func lists(_ name: String, _ references: [String]) throws -> URL {
            let file = folder.appendingPathComponent("\(name).jsonl")
            let records = references.enumerated().map { index, reference in
                NBestRecord(
                    reference: reference,
                    list: NBestList(
                        utteranceID: "\(name)-\(index + 1)",
                        hypotheses: [Hypothesis(text: reference, totalScore: -1)]))
            }
            try NBestJSONL.write(records, toFile: file.path)
            return file
        }
        let real = (
            dev: try lists("dev", Array(Self.sentences.prefix(2))),
            test: try lists("test", Array(Self.sentences.suffix(3)))
        )
        let copy = folder.appendingPathComponent("copy-of-test.jsonl")
        try FileManager.default.copyItem(at: real.test, to: copy)
        let empty = folder.appendingPathComponent("empty.jsonl")
        try Data().write(to: empty)
        let files: (dev: URL, test: URL) =
            switch problem {
            case "missing": (folder.appendingPathComponent("no-such.jsonl"), real.test)
            case "empty": (real.dev, empty)
            case "same-file": (real.test, real.test)
            case "shared-ids": (copy, real.test)
            default: (real.dev, real.test)
            }
        // Models/base is the shipped model (the command runs in the package root).
        let model =
            problem == "no-adapter"
            ? ["--adapter", folder.appendingPathComponent("no-adapter").path]
            : ["--model", folder.appendingPathComponent("no-model").path]
        let output = folder.appendingPathComponent("gap")
        let result = try await Self.run(
            [
                "--dev", files.dev.path, "--test", files.test.path, "--output", output.path,
            ] + model)
        #expect(result.status != 0)
        let lines = result.errorText.split(separator: "\n")
        #expect(lines.count == 1, "\(result.errorText)")
        #expect(result.errorText.contains(message), "\(result.errorText)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
