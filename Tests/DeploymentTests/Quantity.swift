/// Kubernetes resource quantities (`"2"`, `"250m"`, `"256Mi"`, `"1Gi"`) as numbers, for comparing
/// requests with limits and with the flags they were sized for.
enum Quantity {
    /// CPUs: `"2"` is 2, `"250m"` is 0.25; nil for anything else.
    static func cpus(_ node: ManifestNode) -> Double? {
        if let whole = node.integer { return Double(whole) }
        guard let text = node.string else { return nil }
        if text.hasSuffix("m") { return Double(text.dropLast()).map { $0 / 1000 } }
        return Double(text)
    }

    /// Bytes: binary suffixes `Ki`, `Mi`, `Gi` (the ones manifests here use) or a plain number.
    static func bytes(_ node: ManifestNode) -> Double? {
        if let whole = node.integer { return Double(whole) }
        guard let text = node.string else { return nil }
        for (suffix, scale) in [("Ki", 1024.0), ("Mi", 1024.0 * 1024), ("Gi", 1024.0 * 1024 * 1024)]
        where text.hasSuffix(suffix) {
            return Double(text.dropLast(2)).map { $0 * scale }
        }
        return Double(text)
    }
}
