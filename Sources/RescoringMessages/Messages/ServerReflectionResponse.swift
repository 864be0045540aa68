import CRescoringProtos

/// `grpc.reflection.v1.ServerReflectionResponse`: the reflection service's answer to one request.
public struct ServerReflectionResponse: ProtoMessage {
    /// The `message_response` oneof.
    public enum Answer: Sendable, Hashable {
        /// Serialized `FileDescriptorProto`s: the file asked for first, then its dependencies.
        case fileDescriptors(FileDescriptors)
        case extensionNumbers(ExtensionNumbers)
        case services(ServiceList)
        /// The question could not be answered; the stream goes on.
        case error(ErrorAnswer)
    }

    /// `grpc.reflection.v1.FileDescriptorResponse`.
    public struct FileDescriptors: ProtoMessage {
        public var fileDescriptorProtos: [[UInt8]]

        public init(fileDescriptorProtos: [[UInt8]] = []) {
            self.fileDescriptorProtos = fileDescriptorProtos
        }

        public static var protoDescriptor: ProtoMessageDescriptor {
            ProtoMessageDescriptor(
                initialising: Grpc__Reflection__V1__FileDescriptorResponse(),
                with: grpc__reflection__v1__file_descriptor_response__init)
        }

        public init(fields: ProtoFields) throws {
            fileDescriptorProtos = try fields.scalars("file_descriptor_proto")
        }

        public var fields: ProtoFields {
            var fields = ProtoFields(for: Self.self)
            fields.set("file_descriptor_proto", fileDescriptorProtos)
            return fields
        }
    }

    /// `grpc.reflection.v1.ExtensionNumberResponse`.
    public struct ExtensionNumbers: ProtoMessage {
        public var baseTypeName: String
        public var extensionNumbers: [Int32]

        public init(baseTypeName: String = "", extensionNumbers: [Int32] = []) {
            self.baseTypeName = baseTypeName
            self.extensionNumbers = extensionNumbers
        }

        public static var protoDescriptor: ProtoMessageDescriptor {
            ProtoMessageDescriptor(
                initialising: Grpc__Reflection__V1__ExtensionNumberResponse(),
                with: grpc__reflection__v1__extension_number_response__init)
        }

        public init(fields: ProtoFields) throws {
            baseTypeName = try fields.scalar("base_type_name")
            extensionNumbers = try fields.scalars("extension_number")
        }

        public var fields: ProtoFields {
            var fields = ProtoFields(for: Self.self)
            fields.set("base_type_name", baseTypeName)
            fields.set("extension_number", extensionNumbers)
            return fields
        }
    }

    /// `grpc.reflection.v1.ListServiceResponse` (its `ServiceResponse` entries as names).
    public struct ServiceList: ProtoMessage {
        public var names: [String]

        public init(names: [String] = []) {
            self.names = names
        }

        public static var protoDescriptor: ProtoMessageDescriptor {
            ProtoMessageDescriptor(
                initialising: Grpc__Reflection__V1__ListServiceResponse(),
                with: grpc__reflection__v1__list_service_response__init)
        }

        public init(fields: ProtoFields) throws {
            names = try fields.messages("service", as: ServiceName.self).map(\.name)
        }

        public var fields: ProtoFields {
            var fields = ProtoFields(for: Self.self)
            fields.set("service", names.map(ServiceName.init(name:)))
            return fields
        }
    }

    /// `grpc.reflection.v1.ServiceResponse`.
    public struct ServiceName: ProtoMessage {
        public var name: String

        public init(name: String = "") {
            self.name = name
        }

        public static var protoDescriptor: ProtoMessageDescriptor {
            ProtoMessageDescriptor(
                initialising: Grpc__Reflection__V1__ServiceResponse(),
                with: grpc__reflection__v1__service_response__init)
        }

        public init(fields: ProtoFields) throws {
            name = try fields.scalar("name")
        }

        public var fields: ProtoFields {
            var fields = ProtoFields(for: Self.self)
            fields.set("name", name)
            return fields
        }
    }

    /// `grpc.reflection.v1.ErrorResponse`: a gRPC status code and message.
    public struct ErrorAnswer: ProtoMessage {
        public var errorCode: Int32
        public var errorMessage: String

        public init(errorCode: Int32 = 0, errorMessage: String = "") {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
        }

        public static var protoDescriptor: ProtoMessageDescriptor {
            ProtoMessageDescriptor(
                initialising: Grpc__Reflection__V1__ErrorResponse(),
                with: grpc__reflection__v1__error_response__init)
        }

        public init(fields: ProtoFields) throws {
            errorCode = try fields.scalar("error_code")
            errorMessage = try fields.scalar("error_message")
        }

        public var fields: ProtoFields {
            var fields = ProtoFields(for: Self.self)
            fields.set("error_code", errorCode)
            fields.set("error_message", errorMessage)
            return fields
        }
    }

    public var validHost: String
    /// The request this answers, echoed so a client can match answers on one stream.
    public var originalRequest: ServerReflectionRequest?
    public var answer: Answer?

    public init(
        validHost: String = "", originalRequest: ServerReflectionRequest? = nil, answer: Answer? = nil
    ) {
        self.validHost = validHost
        self.originalRequest = originalRequest
        self.answer = answer
    }

    public static var protoDescriptor: ProtoMessageDescriptor {
        ProtoMessageDescriptor(
            initialising: Grpc__Reflection__V1__ServerReflectionResponse(),
            with: grpc__reflection__v1__server_reflection_response__init)
    }

    public init(fields: ProtoFields) throws {
        validHost = try fields.scalar("valid_host")
        originalRequest = try fields.message("original_request")
        if let files = try fields.message("file_descriptor_response", as: FileDescriptors.self) {
            answer = .fileDescriptors(files)
        } else if let numbers = try fields.message(
            "all_extension_numbers_response", as: ExtensionNumbers.self)
        {
            answer = .extensionNumbers(numbers)
        } else if let services = try fields.message("list_services_response", as: ServiceList.self) {
            answer = .services(services)
        } else if let error = try fields.message("error_response", as: ErrorAnswer.self) {
            answer = .error(error)
        } else {
            answer = nil
        }
    }

    public var fields: ProtoFields {
        var fields = ProtoFields(for: Self.self)
        fields.set("valid_host", validHost)
        fields.set("original_request", originalRequest)
        switch answer {
        case .fileDescriptors(let files): fields.set("file_descriptor_response", files)
        case .extensionNumbers(let numbers): fields.set("all_extension_numbers_response", numbers)
        case .services(let services): fields.set("list_services_response", services)
        case .error(let error): fields.set("error_response", error)
        case nil: break
        }
        return fields
    }
}
