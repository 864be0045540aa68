import Foundation
import Testing

@testable import Adaptation

/// `trainer_state.json` written before the strategy carried its settings must still resume, and
/// new checkpoints must stay readable by the same form.
@Suite("Strategy settings JSON form")
struct StrategySettingsCodingTests {
    /// The former stored form: a strategy name and optional per-strategy fields (synthesized Codable).
    struct FlatForm: Codable {
        var strategy: TrainingStrategy
        var lora: LoRAConfiguration
        var adaLoRA: AdaLoRASettings?
        var warmupRank: Int?
        var warmupSteps: Int?
    }

    static let lora = LoRAConfiguration(rank: 4, alpha: 8, targetModules: TargetModule.allCases)
    static let schedule = AdaLoRASettings(
        targetRank: 2, initialWarmupSteps: 5, finalFixedSteps: 5, maskInterval: 2, totalSteps: 30)

    static let cases: [(FlatForm, StrategySettings)] = [
        (FlatForm(strategy: .full, lora: lora), StrategySettings(strategy: .full, lora: lora)),
        (FlatForm(strategy: .lora, lora: lora), StrategySettings(strategy: .lora, lora: lora)),
        (FlatForm(strategy: .dylora, lora: lora), StrategySettings(strategy: .dylora, lora: lora)),
        (
            FlatForm(strategy: .adalora, lora: lora, adaLoRA: schedule),
            StrategySettings(strategy: .adalora(schedule), lora: lora)
        ),
        (
            FlatForm(strategy: .warmup, lora: lora, warmupRank: 8, warmupSteps: 10),
            StrategySettings(strategy: .warmup(WarmupSettings(rank: 8, steps: 10)), lora: lora)
        ),
    ]

    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(value)
    }

    @Test("the former JSON decodes to the strategy with its settings, and encodes back byte for byte")
    func compatibleForm() throws {
        for (flat, settings) in Self.cases {
            let old = try Self.encode(flat)
            #expect(try JSONDecoder().decode(StrategySettings.self, from: old) == settings)
            #expect(try Self.encode(settings) == old)
        }
    }

    @Test("a strategy without its settings is a decoding error naming the missing key")
    func missingSettings() throws {
        for (flat, key) in [
            (FlatForm(strategy: .adalora, lora: Self.lora), "adaLoRA"),
            (FlatForm(strategy: .warmup, lora: Self.lora, warmupSteps: 10), "warmupRank"),
        ] {
            let error = try #require(throws: DecodingError.self) {
                try JSONDecoder().decode(StrategySettings.self, from: try Self.encode(flat))
            }
            guard case .keyNotFound(let missing, _) = error else {
                Issue.record("expected keyNotFound, got \(error)")
                continue
            }
            #expect(missing.stringValue == key)
        }
    }
}
