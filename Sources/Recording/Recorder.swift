public import FirstPass
import Foundation
import NBest
import Synchronization

/// Records utterances into N-best JSONL with several workers, one decoder each.
///
/// Every utterance ends as one line: its N-best list, or a failure record saying why (empty
/// transcript, unreadable audio, synthesis or decoder failure). Utterances already in the output
/// are skipped, so an interrupted run continues where it stopped.
public struct Recorder: Sendable {
    /// What a run does besides the utterances themselves.
    public struct Options: Sendable {
        /// Hypotheses kept per list after merging.
        public var nbest: Int
        /// Worker threads, each with its own decoder.
        public var jobs: Int
        /// Seed of the noise generator.
        public var seed: UInt64
        public var models: DecoderModels
        public var synthesizer: SpeechSynthesizer

        public init(
            nbest: Int = 10, jobs: Int = 2, seed: UInt64 = 1, models: DecoderModels = .debianEnglish,
            synthesizer: SpeechSynthesizer = SpeechSynthesizer()
        ) {
            self.nbest = nbest
            self.jobs = jobs
            self.seed = seed
            self.models = models
            self.synthesizer = synthesizer
        }
    }

    /// Counts so far, reported after every utterance.
    public struct Progress: Sendable {
        /// Utterances this run has to record (those not already in the output).
        public var total: Int
        public var recorded: Int
        public var failed: Int
        /// Skipped because the output already held them.
        public var skipped: Int
        public var seconds: Double
        /// The failure just recorded, if the last utterance failed.
        public var lastFailure: NBestFailure?
    }

    public var options: Options

    public init(options: Options) { self.options = options }

    /// Records `utterances` into the JSONL file at `output`, appending.
    ///
    /// - Throws: `RecordingError` when the output cannot be used or no decoder can be loaded;
    ///   per-utterance problems are failure lines, not errors.
    @discardableResult
    public func record(
        _ utterances: [RecordingUtterance], output path: String,
        progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) throws(RecordingError) -> Progress {
        let output = try RecordingOutput(path: path)
        let pending = utterances.filter { !output.done.contains($0.id) }
        let start = Date()
        let state = Mutex(
            Progress(
                total: pending.count, recorded: 0, failed: 0, skipped: utterances.count - pending.count,
                seconds: 0))
        let next = Atomic<Int>(0)
        let fatal = Mutex<RecordingError?>(nil)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "secondpass-record-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw RecordingError(.io, "cannot create \(scratch.path): \(error)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let workers = max(1, min(options.jobs, pending.count))
        let options = options
        DispatchQueue.concurrentPerform(iterations: pending.isEmpty ? 0 : workers) { _ in
            let decoder: PocketSphinxDecoder
            do throws(RecordingError) {
                decoder = try PocketSphinxDecoder(models: options.models)
            } catch {
                fatal.withLock { $0 = $0 ?? error }
                return
            }
            while fatal.withLock({ $0 == nil }) {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < pending.count else { return }
                let utterance = pending[index]
                let line: String
                var failure: NBestFailure?
                switch Self.recordOne(utterance, decoder: decoder, options: options, scratch: scratch) {
                case .success(let record): line = NBestJSONL.line(for: record)
                case .failure(let error):
                    let entry = NBestFailure(
                        utteranceID: utterance.id, reference: utterance.reference, reason: error.description)
                    failure = entry
                    line = entry.line
                }
                do throws(RecordingError) {
                    try output.append(line)
                } catch {
                    fatal.withLock { $0 = $0 ?? error }
                    return
                }
                let snapshot = state.withLock { state in
                    if failure != nil { state.failed += 1 } else { state.recorded += 1 }
                    state.seconds = Date().timeIntervalSince(start)
                    state.lastFailure = failure
                    return state
                }
                progress(snapshot)
            }
        }
        if let error = fatal.withLock({ $0 }) { throw error }
        return state.withLock { $0 }
    }

    /// One utterance to one N-best record, or the reason it cannot be one.
    static func recordOne(
        _ utterance: RecordingUtterance, decoder: PocketSphinxDecoder, options: Options, scratch: URL
    ) -> Result<NBestRecord, RecordingError> {
        Result { () throws(RecordingError) -> NBestRecord in
            guard !utterance.reference.isEmpty else {
                throw RecordingError(.emptyTranscript, "the reference transcript is empty")
            }
            var samples: [Int16]
            if let audioPath = utterance.audioPath {
                let audio = try WAVAudio.read(contentsOf: audioPath)
                guard audio.sampleRate == PocketSphinxDecoder.sampleRate else {
                    throw RecordingError(
                        .unreadableAudio, "\(audioPath) is \(audio.sampleRate) Hz, the decoder needs 16000 Hz"
                    )
                }
                samples = audio.samples
            } else {
                samples = try options.synthesizer.synthesize(
                    utterance.reference, voice: utterance.voice, scratch: scratch)
            }
            guard !samples.isEmpty else {
                throw RecordingError(.unreadableAudio, "the audio holds no samples")
            }
            if let snr = utterance.snr {
                samples = NoiseMixer.mix(samples, snr: snr, seed: options.seed, utteranceID: utterance.id)
            }
            let paths = try decoder.decode(samples, nbest: options.nbest * 3)
            let hypotheses = NBestMerger.merge(paths, limit: options.nbest)
            guard !hypotheses.isEmpty else {
                throw RecordingError(.decoding, "the decoder heard no words")
            }
            return NBestRecord(
                reference: utterance.reference,
                list: NBestList(utteranceID: utterance.id, hypotheses: hypotheses))
        }
    }
}
