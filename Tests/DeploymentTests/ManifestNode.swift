/// One value of a manifest as YAML's data model has it (mapping, sequence, scalar), read through
/// pyyaml's safe loader and JSON.
///
/// Lookups never throw: a missing key or a wrong shape reads as `.null`, so a check states the
/// value it expects and a missing field fails that check with the manifest path in its message.
enum ManifestNode: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case sequence([ManifestNode])
    case mapping([String: ManifestNode])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ManifestNode].self) {
            self = .sequence(value)
        } else {
            self = .mapping(try container.decode([String: ManifestNode].self))
        }
    }

    subscript(key: String) -> ManifestNode {
        if case .mapping(let mapping) = self { return mapping[key] ?? .null }
        return .null
    }

    /// The value at a dotted path (`"spec.template.metadata.labels"`); keys holding dots (label
    /// names such as `app.kubernetes.io/name`) are read with the subscript instead.
    subscript(path path: String) -> ManifestNode {
        path.split(separator: ".").reduce(self) { node, key in node[String(key)] }
    }

    var isNull: Bool { self == .null }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// A whole number (YAML `2`), not a quoted one (`"2"`).
    var integer: Int? {
        if case .number(let value) = self, value == value.rounded() { return Int(value) }
        return nil
    }

    /// The elements of a sequence; empty for anything else.
    var elements: [ManifestNode] {
        if case .sequence(let values) = self { return values }
        return []
    }

    var mapping: [String: ManifestNode]? {
        if case .mapping(let value) = self { return value }
        return nil
    }

    /// A mapping of strings (labels, selectors, ConfigMap data); nil when any value is not a string.
    var stringMapping: [String: String]? {
        guard let mapping else { return nil }
        var result: [String: String] = [:]
        for (key, value) in mapping {
            guard let text = value.string else { return nil }
            result[key] = text
        }
        return result
    }

    /// A sequence of strings (a container's command or args); nil when any element is not a string.
    var strings: [String]? {
        guard case .sequence(let values) = self else { return nil }
        let texts = values.compactMap(\.string)
        return texts.count == values.count ? texts : nil
    }
}
