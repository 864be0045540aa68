import ArgumentParser
import ServiceCommandSupport

/// `lora-rescorer health`: exit 0 when the target is SERVING, else one line and exit 1.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check a replica's grpc.health.v1 status: exit 0 when SERVING (a container health check).")

    @OptionGroup var probe: HealthProbeOptions

    @Option(
        name: .customLong("bearer-token-file"),
        help: "File holding the replica's bearer token, when it requires one.")
    var bearerTokenFile: String?

    func run() async throws {
        let token = try bearerTokenFile.map { path throws(BearerToken.Failure) in
            try BearerToken.read(from: path)
        }
        try await probe.check(label: "lora-rescorer.health", bearerToken: token)
    }
}
