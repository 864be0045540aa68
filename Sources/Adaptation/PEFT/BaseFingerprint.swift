public import NeuralLM

/// A 64-bit FNV-1a digest of a base model's configuration and weights.
///
/// Stored in the adapter file's safetensors metadata, it lets loading reject an adapter trained
/// on a different base even when every shape matches. Files written by PEFT carry none and are
/// validated by shapes only.
public enum BaseFingerprint {
    public static func of(_ model: GPT2Model) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: UInt64) {
            var v = value
            for _ in 0..<8 {
                hash ^= v & 0xFF
                hash = hash &* 0x0000_0100_0000_01B3
                v >>= 8
            }
        }
        let c = model.config
        for value in [c.vocabSize, c.nPositions, c.nEmbd, c.nLayer, c.nHead, c.innerSize] {
            mix(UInt64(value))
        }
        for (name, tensor, _) in model.namedParameters where !name.contains("lora_") {
            for scalar in name.unicodeScalars { mix(UInt64(scalar.value)) }
            for value in tensor.storage { mix(UInt64(value.bitPattern)) }
        }
        return String(hash, radix: 16)
    }
}
