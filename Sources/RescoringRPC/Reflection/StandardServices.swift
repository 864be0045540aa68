public import H2RPC

/// The services every SecondPass server mounts beside its own: health and server reflection.
///
/// One place that builds them, so no server forgets reflection and reflection always names
/// exactly what the server serves.
public enum StandardServices {
    /// `services`, then `health`, then reflection naming all of them (and itself).
    public static func adding(health: HealthService, to services: [any RPCService]) -> [any RPCService] {
        let served = services + [health]
        return served + [ReflectionService(reflecting: served)]
    }
}

extension RPCRouter {
    /// Registers `health`, then reflection naming every service registered so far: call it after
    /// the server's own services.
    public mutating func registerHealthAndReflection(_ health: HealthService) {
        register(health)
        register(ReflectionService(serviceNames: methods.map(\.service)))
    }
}
