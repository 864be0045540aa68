/// The fields of one message instance, keyed by their `.proto` field name.
///
/// A field that is absent from the tree is encoded as its proto3 default (zero, empty, unset),
/// and a decoded tree holds every field protobuf-c reports as present: all plain scalars and
/// strings, set oneof members, non-null sub-messages and non-empty repeated fields.
public struct ProtoFields: Sendable, Hashable {
    /// The fully qualified message name, used in error messages.
    public let messageName: String
    /// The values by field name.
    public private(set) var values: [String: ProtoValue]

    public init(messageName: String, values: [String: ProtoValue] = [:]) {
        self.messageName = messageName
        self.values = values
    }

    /// Empty fields with room for `capacity` values, so filling them does not rehash.
    init(messageName: String, capacity: Int) {
        self.messageName = messageName
        values = Dictionary(minimumCapacity: capacity)
    }

    /// The fields of an empty instance of `type`.
    public init<M: ProtoMessage>(for type: M.Type) {
        let layout = MessageLayout.of(M.protoDescriptor.pointer)
        self.init(messageName: layout.messageName, capacity: layout.fields.count)
    }

    public subscript(name: String) -> ProtoValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    func mismatch(_ name: String, expected: String, found: ProtoValue) -> ProtoBridgeError {
        ProtoBridgeError(
            .typeMismatch, messageName: messageName, fieldPath: name,
            message: "expected \(expected), found \(found.kindName)")
    }
}

// MARK: Reading typed values

extension ProtoFields {
    /// A singular scalar or string field, or its proto3 default when absent.
    public func scalar<T: ProtoScalar>(_ name: String, as type: T.Type = T.self) throws -> T {
        try optionalScalar(name) ?? T.protoDefault
    }

    /// A singular scalar field whose presence matters (a oneof member), `nil` when absent.
    public func optionalScalar<T: ProtoScalar>(_ name: String, as type: T.Type = T.self) throws -> T? {
        guard let value = values[name] else { return nil }
        guard let scalar = T(protoValue: value) else {
            throw mismatch(name, expected: T.protoKindName, found: value)
        }
        return scalar
    }

    /// A repeated scalar or string field, empty when absent.
    public func scalars<T: ProtoScalar>(_ name: String, as type: T.Type = T.self) throws -> [T] {
        try elements(name).map { element in
            guard let scalar = T(protoValue: element) else {
                throw mismatch(name, expected: "repeated \(T.protoKindName)", found: element)
            }
            return scalar
        }
    }

    /// A singular enum field, or the enum's zero value when absent.
    public func enumeration<E: ProtoEnum>(_ name: String, as type: E.Type = E.self) throws -> E {
        guard let value = values[name] else { return E(protoNumber: 0) }
        guard case .enumeration(let number) = value else {
            throw mismatch(name, expected: "enum", found: value)
        }
        return E(protoNumber: number)
    }

    /// A singular sub-message field, `nil` when absent.
    public func message<M: ProtoMessage>(_ name: String, as type: M.Type = M.self) throws -> M? {
        guard let value = values[name] else { return nil }
        guard case .message(let fields) = value else {
            throw mismatch(name, expected: "message", found: value)
        }
        return try M(fields: fields)
    }

    /// A repeated sub-message field, empty when absent.
    public func messages<M: ProtoMessage>(_ name: String, as type: M.Type = M.self) throws -> [M] {
        try elements(name).map { element in
            guard case .message(let fields) = element else {
                throw mismatch(name, expected: "repeated message", found: element)
            }
            return try M(fields: fields)
        }
    }

    private func elements(_ name: String) throws -> [ProtoValue] {
        guard let value = values[name] else { return [] }
        guard case .repeated(let elements) = value else {
            throw mismatch(name, expected: "repeated", found: value)
        }
        return elements
    }
}

// MARK: Writing typed values

extension ProtoFields {
    /// Sets a singular scalar or string field.
    public mutating func set<T: ProtoScalar>(_ name: String, _ value: T) {
        values[name] = value.protoValue
    }

    /// Sets a field whose presence matters (a oneof member); `nil` clears it.
    public mutating func set<T: ProtoScalar>(_ name: String, _ value: T?) {
        values[name] = value?.protoValue
    }

    /// Sets a repeated scalar or string field.
    public mutating func set<T: ProtoScalar>(_ name: String, _ values: [T]) {
        self.values[name] = .repeated(values.map(\.protoValue))
    }

    /// Sets an enum field.
    public mutating func set<E: ProtoEnum>(_ name: String, _ value: E) {
        values[name] = .enumeration(value.protoNumber)
    }

    /// Sets a sub-message field; `nil` leaves it absent.
    public mutating func set<M: ProtoMessage>(_ name: String, _ message: M?) {
        values[name] = message.map { .message($0.fields) }
    }

    /// Sets a repeated sub-message field.
    public mutating func set<M: ProtoMessage>(_ name: String, _ messages: [M]) {
        values[name] = .repeated(messages.map { .message($0.fields) })
    }
}
