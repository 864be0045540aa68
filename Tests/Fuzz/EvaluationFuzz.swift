// libFuzzer entry for the evaluation library (built by Scripts/fuzz, not by SwiftPM).
// fuzz-modules: Evaluation NBest
//
// Each input is used twice:
// 1. as JSON Lines of utterance outcomes: loading must succeed or throw `EvaluationError`, and
//    every condition report of a loaded set must build or throw `EvaluationError`;
// 2. as text, split at the first NUL (or the middle) into reference and hypothesis: after
//    normalisation (which must be idempotent) the alignment must satisfy S + D + C = reference
//    words, S + I + C = hypothesis words, replay both word sequences, and never exceed
//    max(reference, hypothesis) errors.
// Anything else (a crash, an ASan report, another error type, a broken invariant) is a finding.
import Evaluation
import Foundation

private func checkOutcomeFile(_ data: Data) {
    let set: OutcomeSet
    do {
        set = try OutcomeSet(jsonLines: data)
    } catch is EvaluationError {
        return
    } catch {
        fatalError("loading outcomes threw a non-evaluation error: \(error)")
    }
    let builder = ReportBuilder(bootstrap: BootstrapSettings(resamples: 3), oracleKs: [1, 3])
    for run in set.runs {
        for condition in set.conditions(run: run) {
            do {
                _ = try builder.conditionReport(set, run: run, condition: condition)
            } catch is EvaluationError {
            } catch {
                fatalError("condition report threw a non-evaluation error: \(error)")
            }
        }
        do {
            _ = try builder.robustnessReport(set, run: run)
        } catch is EvaluationError {
        } catch {
            fatalError("robustness report threw a non-evaluation error: \(error)")
        }
    }
}

/// Words as the interner sees them: split on the space byte.
private func words(_ text: String) -> [String] {
    text.utf8.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
}

private func checkAlignment(_ bytes: UnsafeBufferPointer<UInt8>) {
    let cut = bytes.firstIndex(of: 0) ?? bytes.count / 2
    let rawReference = String(decoding: bytes[..<cut], as: UTF8.self)
    let rawHypothesis = String(decoding: bytes[min(cut + 1, bytes.count)...], as: UTF8.self)
    let normalizer = TextNormalizer.standard
    let reference = normalizer.normalize(rawReference)
    let hypothesis = normalizer.normalize(rawHypothesis)
    precondition(
        normalizer.normalize(reference) == reference, "normalisation not idempotent: \(rawReference)")
    var aligner = WordAligner()
    let alignment = aligner.align(reference: reference, hypothesis: hypothesis)
    let r = words(reference)
    let h = words(hypothesis)
    let c = alignment.counts
    precondition(c.substitutions + c.deletions + c.correct == r.count, "S + D + C != N")
    precondition(c.substitutions + c.insertions + c.correct == h.count, "S + I + C != hypothesis words")
    precondition(c.errors <= max(r.count, h.count), "more errors than the longer side")
    precondition(alignment.words.compactMap(\.reference) == r, "steps do not replay the reference")
    precondition(alignment.words.compactMap(\.hypothesis) == h, "steps do not replay the hypothesis")
    precondition(
        aligner.counts(reference: reference, hypothesis: hypothesis) == c, "counts differ from align")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvaluation(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    checkOutcomeFile(Data(bytes))
    checkAlignment(bytes)
    return 0
}
