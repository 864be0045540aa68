import Foundation
import Testing

/// The `serve` flags for the partial-state budget and the message limit: a bad value is one
/// stderr line naming the flag and a usage exit, before any model is read. (Valid values are
/// served by `LoraRescorerBadClientTests`, whose replica runs with both.)
@Suite("lora-rescorer size flags")
struct LoraRescorerFlagTests {
    @Test(
        "A bad --partial-state-bytes or --max-message-bytes is one error line",
        arguments: [
            (["--partial-state-bytes=-1"], "--partial-state-bytes must be 0 or more, not -1"),
            (["--partial-state-bytes", "lots"], "--partial-state-bytes"),
            (["--max-message-bytes", "0"], "--max-message-bytes must be at least 1, not 0"),
            (["--max-message-bytes", "5000000000"], "--max-message-bytes must be at most 4294967295"),
        ])
    func badSizeFlagsAreOneLine(flags: [String], mentions: String) async throws {
        let exit = try await LoraRescorerBinary.run(["serve", "--model", LoraRescorerBinary.model] + flags)
        #expect(exit.reason == .exit && exit.status == 64, "\(flags) exited \(exit.status)")
        #expect(exit.stderrLines.count == 1, "\(flags) wrote: \(exit.stderr)")
        #expect(exit.stderr.contains(mentions), "\(flags) wrote: \(exit.stderr)")
        #expect(!exit.stdout.contains("listening"))
    }
}
