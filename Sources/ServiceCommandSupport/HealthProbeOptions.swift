public import ArgumentParser
import Foundation
import Logging

/// The flags and the run of every executable's `health` subcommand (`--target`, `--service`,
/// `--timeout`), so `lora-rescorer`, `metrics-aggregator` and `nbest-simulator` probe the same
/// way and a fix to one probe is a fix to all.
public struct HealthProbeOptions: ParsableArguments {
    @Option(help: "The service as HOST:PORT.")
    public var target: String

    @Option(help: "Service to ask about; empty means the server as a whole.")
    public var service = ""

    @Option(help: "Seconds allowed for connecting and the call.")
    public var timeout = 5.0

    public init() {}

    public func validate() throws {
        guard timeout.isFinite, timeout > 0 else {
            throw ValidationError("--timeout must be a positive number")
        }
    }

    /// Probes the target and prints one SERVING line; throws `HealthProbeError` (one line for the
    /// executable's error `main`) otherwise. `label` names the probing program in its logger.
    public func check(label: String, bearerToken: String? = nil) async throws {
        let target = try ServiceTarget(parsing: target)
        var logger = Logger(label: label)
        logger.logLevel = .critical
        try await HealthProbe.check(
            target: target, service: service, timeout: .milliseconds(Int((timeout * 1000).rounded())),
            bearerToken: bearerToken, logger: logger)
        print("\(service.isEmpty ? "server" : service) at \(target) is SERVING")
    }
}
