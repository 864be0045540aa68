/// Why a message could not be converted between bytes, protobuf-c and Swift.
///
/// Every failure of the bridge is one of these, with the message type and field path involved,
/// so a peer sending bad bytes gets a precise status message instead of a crash or a silent drop.
public struct ProtoBridgeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; extensible, compared by value.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String

        /// protobuf-c could not parse the bytes (truncated, bad wire type, bad length...).
        public static let malformed = Code(name: "malformed")
        /// A string field holds bytes that are not valid UTF-8.
        public static let invalidUTF8 = Code(name: "invalidUTF8")
        /// A string holds U+0000, which protobuf-c's NUL-terminated strings cannot carry.
        public static let embeddedNUL = Code(name: "embeddedNUL")
        /// The tree names a field the message descriptor does not have.
        public static let unknownField = Code(name: "unknownField")
        /// The tree's value kind does not fit the field's declared type or label.
        public static let typeMismatch = Code(name: "typeMismatch")
        /// A value is outside what the message type allows.
        public static let invalidValue = Code(name: "invalidValue")

        public var description: String { name }
    }

    public let code: Code
    /// The fully qualified message name, e.g. `secondpass.rescoring.v1.NBestList`.
    public let messageName: String
    /// The dotted field path inside the message, empty for whole-message failures.
    public let fieldPath: String
    public let message: String

    public init(_ code: Code, messageName: String, fieldPath: String = "", message: String) {
        self.code = code
        self.messageName = messageName
        self.fieldPath = fieldPath
        self.message = message
    }

    public var description: String {
        let location = fieldPath.isEmpty ? messageName : "\(messageName).\(fieldPath)"
        return "\(code) at \(location): \(message)"
    }
}
