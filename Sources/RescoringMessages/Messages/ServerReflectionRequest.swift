import CRescoringProtos

/// `grpc.reflection.v1.ServerReflectionRequest`: one question to the reflection service.
///
/// The `v1alpha` service sends the same bytes under another package name, so this one type
/// serves both.
public struct ServerReflectionRequest: ProtoMessage {
    /// The `message_request` oneof: what the client asks.
    public enum Query: Sendable, Hashable {
        /// The file with this name (e.g. `grpc/health/v1/health.proto`) and its dependencies.
        case fileByFilename(String)
        /// The file declaring a fully qualified symbol (service, method, message, field, enum).
        case fileContainingSymbol(String)
        /// The file declaring an extension of a message type.
        case fileContainingExtension(ExtensionRequest)
        /// The extension numbers of a message type.
        case allExtensionNumbersOfType(String)
        /// The names of the served services (the string is not checked).
        case listServices(String)
    }

    /// `grpc.reflection.v1.ExtensionRequest`: a message type and an extension number.
    public struct ExtensionRequest: ProtoMessage {
        public var containingType: String
        public var extensionNumber: Int32

        public init(containingType: String = "", extensionNumber: Int32 = 0) {
            self.containingType = containingType
            self.extensionNumber = extensionNumber
        }

        public static var protoDescriptor: ProtoMessageDescriptor {
            ProtoMessageDescriptor(
                initialising: Grpc__Reflection__V1__ExtensionRequest(),
                with: grpc__reflection__v1__extension_request__init)
        }

        public init(fields: ProtoFields) throws {
            containingType = try fields.scalar("containing_type")
            extensionNumber = try fields.scalar("extension_number")
        }

        public var fields: ProtoFields {
            var fields = ProtoFields(for: Self.self)
            fields.set("containing_type", containingType)
            fields.set("extension_number", extensionNumber)
            return fields
        }
    }

    public var host: String
    /// `nil` when the client set no member of the oneof.
    public var query: Query?

    public init(host: String = "", query: Query? = nil) {
        self.host = host
        self.query = query
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Grpc__Reflection__V1__ServerReflectionRequest(),
            with: grpc__reflection__v1__server_reflection_request__init)
    }

    public init(fields: ProtoFields) throws {
        host = try fields.scalar("host")
        if let name: String = try fields.optionalScalar("file_by_filename") {
            query = .fileByFilename(name)
        } else if let symbol: String = try fields.optionalScalar("file_containing_symbol") {
            query = .fileContainingSymbol(symbol)
        } else if let request = try fields.message("file_containing_extension", as: ExtensionRequest.self) {
            query = .fileContainingExtension(request)
        } else if let type: String = try fields.optionalScalar("all_extension_numbers_of_type") {
            query = .allExtensionNumbersOfType(type)
        } else if let text: String = try fields.optionalScalar("list_services") {
            query = .listServices(text)
        } else {
            query = nil
        }
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("host", host)
        switch query {
        case .fileByFilename(let name): fields.set("file_by_filename", Optional(name))
        case .fileContainingSymbol(let symbol): fields.set("file_containing_symbol", Optional(symbol))
        case .fileContainingExtension(let request): fields.set("file_containing_extension", request)
        case .allExtensionNumbersOfType(let type): fields.set("all_extension_numbers_of_type", Optional(type))
        case .listServices(let text): fields.set("list_services", Optional(text))
        case nil: break
        }
        return fields
    }
}
