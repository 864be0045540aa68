import CRescoringProtos

// Direct conversions of the reflection messages (grpc.reflection.v1) to and from their
// protobuf-c structs, so that no message type needs the generic field tree on its way.

private typealias CRequest = Grpc__Reflection__V1__ServerReflectionRequest
private typealias CExtensionRequest = Grpc__Reflection__V1__ExtensionRequest
private typealias CResponse = Grpc__Reflection__V1__ServerReflectionResponse
private typealias CFileDescriptors = Grpc__Reflection__V1__FileDescriptorResponse
private typealias CExtensionNumbers = Grpc__Reflection__V1__ExtensionNumberResponse
private typealias CServiceList = Grpc__Reflection__V1__ListServiceResponse
private typealias CServiceName = Grpc__Reflection__V1__ServiceResponse
private typealias CErrorAnswer = Grpc__Reflection__V1__ErrorResponse

extension ServerReflectionRequest {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CRequest.self)
        var query: Query?
        switch c.message_request_case {
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_BY_FILENAME:
            query = .fileByFilename(CStructReading.string(c.file_by_filename))
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_SYMBOL:
            query = .fileContainingSymbol(CStructReading.string(c.file_containing_symbol))
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_EXTENSION:
            query = try CStructReading.message(c.file_containing_extension, as: ExtensionRequest.self)
                .map(Query.fileContainingExtension)
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_ALL_EXTENSION_NUMBERS_OF_TYPE:
            query = .allExtensionNumbersOfType(CStructReading.string(c.all_extension_numbers_of_type))
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_LIST_SERVICES:
            query = .listServices(CStructReading.string(c.list_services))
        default:
            query = nil
        }
        self.init(host: CStructReading.string(c.host), query: query)
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(grpc__reflection__v1__server_reflection_request__init)
        if let text = try builder.string(host, field: "host", of: Self.self) { c.pointee.host = text }
        switch query {
        case .fileByFilename(let name):
            c.pointee.message_request_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_BY_FILENAME
            c.pointee.file_by_filename = try builder.presentString(
                name, field: "file_by_filename", of: Self.self)
        case .fileContainingSymbol(let symbol):
            c.pointee.message_request_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_SYMBOL
            c.pointee.file_containing_symbol = try builder.presentString(
                symbol, field: "file_containing_symbol", of: Self.self)
        case .fileContainingExtension(let request):
            c.pointee.message_request_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_EXTENSION
            c.pointee.file_containing_extension = try builder.message(request, as: CExtensionRequest.self)
        case .allExtensionNumbersOfType(let type):
            c.pointee.message_request_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_ALL_EXTENSION_NUMBERS_OF_TYPE
            c.pointee.all_extension_numbers_of_type = try builder.presentString(
                type, field: "all_extension_numbers_of_type", of: Self.self)
        case .listServices(let text):
            c.pointee.message_request_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_LIST_SERVICES
            c.pointee.list_services = try builder.presentString(text, field: "list_services", of: Self.self)
        case nil:
            break
        }
        return UnsafeMutableRawPointer(c)
    }
}

extension ServerReflectionRequest.ExtensionRequest {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CExtensionRequest.self)
        self.init(
            containingType: CStructReading.string(c.containing_type), extensionNumber: c.extension_number)
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(grpc__reflection__v1__extension_request__init)
        if let text = try builder.string(containingType, field: "containing_type", of: Self.self) {
            c.pointee.containing_type = text
        }
        c.pointee.extension_number = extensionNumber
        return UnsafeMutableRawPointer(c)
    }
}

extension ServerReflectionResponse {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CResponse.self)
        var answer: Answer?
        switch c.message_response_case {
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_FILE_DESCRIPTOR_RESPONSE:
            answer = try CStructReading.message(c.file_descriptor_response, as: FileDescriptors.self)
                .map(Answer.fileDescriptors)
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ALL_EXTENSION_NUMBERS_RESPONSE:
            answer = try CStructReading.message(c.all_extension_numbers_response, as: ExtensionNumbers.self)
                .map(Answer.extensionNumbers)
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_LIST_SERVICES_RESPONSE:
            answer = try CStructReading.message(c.list_services_response, as: ServiceList.self).map(
                Answer.services)
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ERROR_RESPONSE:
            answer = try CStructReading.message(c.error_response, as: ErrorAnswer.self).map(Answer.error)
        default:
            answer = nil
        }
        self.init(
            validHost: CStructReading.string(c.valid_host),
            originalRequest: try CStructReading.message(c.original_request, as: ServerReflectionRequest.self),
            answer: answer)
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(grpc__reflection__v1__server_reflection_response__init)
        if let text = try builder.string(validHost, field: "valid_host", of: Self.self) {
            c.pointee.valid_host = text
        }
        c.pointee.original_request = try builder.message(originalRequest, as: CRequest.self)
        switch answer {
        case .fileDescriptors(let files):
            c.pointee.message_response_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_FILE_DESCRIPTOR_RESPONSE
            c.pointee.file_descriptor_response = try builder.message(files, as: CFileDescriptors.self)
        case .extensionNumbers(let numbers):
            c.pointee.message_response_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ALL_EXTENSION_NUMBERS_RESPONSE
            c.pointee.all_extension_numbers_response = try builder.message(
                numbers, as: CExtensionNumbers.self)
        case .services(let services):
            c.pointee.message_response_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_LIST_SERVICES_RESPONSE
            c.pointee.list_services_response = try builder.message(services, as: CServiceList.self)
        case .error(let error):
            c.pointee.message_response_case =
                GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ERROR_RESPONSE
            c.pointee.error_response = try builder.message(error, as: CErrorAnswer.self)
        case nil:
            break
        }
        return UnsafeMutableRawPointer(c)
    }
}

extension ServerReflectionResponse.FileDescriptors {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CFileDescriptors.self)
        self.init(
            fileDescriptorProtos: CStructReading.byteArrays(
                c.file_descriptor_proto, count: c.n_file_descriptor_proto))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(grpc__reflection__v1__file_descriptor_response__init)
        c.pointee.n_file_descriptor_proto = fileDescriptorProtos.count
        c.pointee.file_descriptor_proto = builder.byteArrays(fileDescriptorProtos)
        return UnsafeMutableRawPointer(c)
    }
}

extension ServerReflectionResponse.ExtensionNumbers {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CExtensionNumbers.self)
        self.init(
            baseTypeName: CStructReading.string(c.base_type_name),
            extensionNumbers: CStructReading.scalars(c.extension_number, count: c.n_extension_number))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(grpc__reflection__v1__extension_number_response__init)
        if let text = try builder.string(baseTypeName, field: "base_type_name", of: Self.self) {
            c.pointee.base_type_name = text
        }
        c.pointee.n_extension_number = extensionNumbers.count
        c.pointee.extension_number = builder.scalars(extensionNumbers)
        return UnsafeMutableRawPointer(c)
    }
}

extension ServerReflectionResponse.ServiceList {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CServiceList.self)
        self.init(
            names: try CStructReading.messages(
                c.service, count: c.n_service, as: ServerReflectionResponse.ServiceName.self
            )
            .map(\.name))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(grpc__reflection__v1__list_service_response__init)
        c.pointee.n_service = names.count
        c.pointee.service = try builder.messages(
            names.map(ServerReflectionResponse.ServiceName.init(name:)), as: CServiceName.self)
        return UnsafeMutableRawPointer(c)
    }
}

extension ServerReflectionResponse.ServiceName {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CServiceName.self)
        self.init(name: CStructReading.string(c.name))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(grpc__reflection__v1__service_response__init)
        if let text = try builder.string(name, field: "name", of: Self.self) { c.pointee.name = text }
        return UnsafeMutableRawPointer(c)
    }
}

extension ServerReflectionResponse.ErrorAnswer {
    public init(unpacked message: UnpackedCMessage) throws {
        let c = CStructReading.load(message, as: CErrorAnswer.self)
        self.init(errorCode: c.error_code, errorMessage: CStructReading.string(c.error_message))
    }

    public func cMessage(in builder: CMessageBuilder) throws -> UnsafeMutableRawPointer {
        let c = builder.newStruct(grpc__reflection__v1__error_response__init)
        c.pointee.error_code = errorCode
        if let text = try builder.string(errorMessage, field: "error_message", of: Self.self) {
            c.pointee.error_message = text
        }
        return UnsafeMutableRawPointer(c)
    }
}
