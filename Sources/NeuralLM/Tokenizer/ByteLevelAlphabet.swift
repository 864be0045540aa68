/// The GPT-2 byte-to-character mapping used by byte-level BPE.
///
/// Every byte gets a printable Unicode character so that token strings in `tokenizer.json` never
/// contain spaces or control characters: printable Latin-1 bytes map to themselves, the other 68
/// bytes to U+0100 onwards in byte order (so a space becomes `Ġ`, a newline `Ċ`). Because every byte
/// has a symbol, byte-level BPE has no unknown token.
public enum ByteLevelAlphabet {
    /// The character for each byte value (index = byte).
    public static let characters: [Character] = {
        var result = [Character](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable =
                (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            let scalar: UInt32
            if printable {
                scalar = UInt32(byte)
            } else {
                scalar = next
                next += 1
            }
            result[byte] = Character(Unicode.Scalar(scalar)!)
        }
        return result
    }()

    /// The byte for each character of the alphabet.
    public static let bytes: [Character: UInt8] = {
        var result: [Character: UInt8] = [:]
        for (byte, character) in characters.enumerated() {
            result[character] = UInt8(byte)
        }
        return result
    }()

    /// The alphabet spelling of a byte string (one character per byte).
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(bytes.map { characters[Int($0)] })
    }

    /// The bytes a token string stands for, or its own UTF-8 when it holds a character outside the
    /// alphabet (as the Hugging Face ByteLevel decoder does for added tokens).
    public static func decode(_ token: String) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(token.count)
        for character in token {
            guard let byte = bytes[character] else { return Array(token.utf8) }
            result.append(byte)
        }
        return result
    }
}
