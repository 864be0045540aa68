import Foundation

/// Reads the shared bearer token from a file (`--bearer-token-file`), so it never appears in a
/// process listing or shell history.
public enum BearerToken {
    /// The file is missing, unreadable, empty, or holds more than one line.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The token in `path`, without surrounding whitespace or the trailing newline.
    public static func read(from path: String) throws(Failure) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure(message: "cannot read the bearer token file \(path): \(error.localizedDescription)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw Failure(message: "the bearer token file \(path) is empty") }
        guard !token.contains(where: \.isNewline), token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw Failure(message: "the bearer token file \(path) must hold one token of printable ASCII")
        }
        return token
    }
}
