import NIOCore

/// A `TaskExecutor` that runs jobs on one NIO event loop.
///
/// With `ServerConfiguration.handlerExecution = .connectionEventLoop`, handler tasks prefer the
/// event loop of their connection, so a light handler (an echo, a health check) runs without any
/// thread hop: its messages, its status and the flush happen on the connection's own thread.
/// Heavy or blocking handlers must not use it: they would stall every connection on that loop.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
