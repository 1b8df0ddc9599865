package org.graft.engine;

import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for device work with a large stack. Some OpenCL CPU drivers run a kernel's work-groups on
 * the thread that flushes or waits on the queue: PoCL's 'basic' driver does, and its compiled
 * gemm_micro needs more than the JVM's default 1 MB thread stack (the JVM dies with SIGSEGV in
 * {@code _pocl_kernel_gemm_micro_workgroup}). The stack is only reserved address space; pages are
 * committed as they are touched, so a generous size costs nothing on devices that do not need it.
 */
public final class DeviceThreads {
    /** 64 MiB: 64 times the JVM default; 2 MiB was measured to suffice on PoCL 3.1 'basic'. */
    public static final long STACK_BYTES = 64L << 20;

    private DeviceThreads() {
    }

    /** A factory for executors whose tasks drive a device. */
    public static ThreadFactory factory(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, name + "-" + n.getAndIncrement(), STACK_BYTES);
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs {@code work} on a fresh large-stack thread and waits; its exceptions reach the caller unchanged. */
    public static <T> T call(String name, Callable<T> work) {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = work.call();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, name, STACK_BYTES);
        t.start();
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the device work cannot be abandoned half-way; finish, then re-flag
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure[0];
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new IllegalStateException(f.getMessage(), f);
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }
}
