using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NgxDoctor.Host.Namespaces;

/// <summary>
/// Where ngxdoctor's sockets are made. <see cref="Own"/> is ngxdoctor's namespace; <see cref="Enter"/> starts one
/// thread that enters another network namespace (setns on that thread only) and makes every socket (and every
/// synchronous name lookup) asked of it there. A socket keeps the namespace it was created in, so connecting,
/// reading and writing happen anywhere afterwards. The thread never runs anything else and ends on Dispose: no
/// thread of the pool, and no later socket of ngxdoctor, is ever in the wrong namespace.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    public static readonly NetworkNamespace Own = new();

    private readonly BlockingCollection<Action>? _work;
    private readonly Thread? _thread;

    private NetworkNamespace()
    {
    }

    private NetworkNamespace(string name, ulong? inode, Func<int> enter)
    {
        Inode = inode;
        var entered = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work = new BlockingCollection<Action>();
        _thread = new Thread(() => Serve(enter, entered)) { IsBackground = true, Name = name };
        _thread.Start();
        var errno = entered.Task.GetAwaiter().GetResult();
        if (errno != 0)
        {
            _work.CompleteAdding();
            throw new IOException($"cannot enter {name}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    /// <summary>The namespace's inode; null for ngxdoctor's own.</summary>
    public ulong? Inode { get; }

    public bool IsOwn => _work is null;

    /// <summary>A thread inside the network namespace at <paramref name="nsPath"/> (/proc/PID/ns/net); throws IOException when it cannot enter.</summary>
    public static NetworkNamespace Enter(string nsPath, ulong inode)
    {
        using var ns = File.OpenHandle(nsPath, FileMode.Open, FileAccess.Read);
        return new($"network namespace {inode} ({nsPath})", inode, () => SetNs(ns));
    }

    /// <summary>
    /// A thread (in the network namespace at <paramref name="nsPath"/>, or in ngxdoctor's own) that makes its sockets
    /// with another user's credentials, as nginx's worker would make them. Needs root; throws IOException otherwise.
    /// </summary>
    public static NetworkNamespace AsUser(string? nsPath, ulong? inode, uint uid, uint gid, IReadOnlyList<uint> groups)
    {
        using var ns = nsPath is null ? null : File.OpenHandle(nsPath, FileMode.Open, FileAccess.Read);
        return new($"uid {uid}", inode, () => ns is not null && SetNs(ns) is var e and not 0 ? e : ThreadCredentials.Become(uid, gid, groups));
    }

    private static int SetNs(Microsoft.Win32.SafeHandles.SafeFileHandle ns) =>
        NamespaceNative.SetNs((int)ns.DangerousGetHandle(), NamespaceNative.CloneNewNet) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public Socket Socket(AddressFamily family, SocketType type, ProtocolType protocol) =>
        IsOwn ? new Socket(family, type, protocol) : Run(() => new Socket(family, type, protocol));

    /// <summary>A socket made inside the namespace, without holding the caller's thread while the namespace's thread makes it.</summary>
    public Task<Socket> SocketAsync(AddressFamily family, SocketType type, ProtocolType protocol) =>
        IsOwn ? Task.FromResult(new Socket(family, type, protocol)) : Post(() => new Socket(family, type, protocol));

    /// <summary>Runs synchronous work (which creates its sockets as it runs) inside the namespace.</summary>
    public T Run<T>(Func<T> work) => IsOwn ? work() : Post(work).GetAwaiter().GetResult();

    /// <summary>The same, without holding the caller's thread (or a thread of the pool) while it runs.</summary>
    public Task<T> RunAsync<T>(Func<T> work) => IsOwn ? Task.Run(work) : Post(work);

    private Task<T> Post<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _work!.Add(() =>
            {
                try
                {
                    done.SetResult(work());
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            });
        }
        catch (InvalidOperationException)
        {
            return Task.FromException<T>(new ObjectDisposedException(nameof(NetworkNamespace)));
        }

        return done.Task;
    }

    /// <summary>The inode of the network namespace <paramref name="socket"/> was created in (SIOCGSKNS); null when the kernel will not say.</summary>
    public static ulong? Of(Socket socket) => NamespaceNative.SocketNamespace(socket);

    public void Dispose()
    {
        if (_work is null)
        {
            return;
        }

        _work.CompleteAdding();
        _thread!.Join();
        _work.Dispose();
    }

    private void Serve(Func<int> enter, TaskCompletionSource<int> entered)
    {
        var errno = enter();
        entered.SetResult(errno);
        if (errno != 0)
        {
            return;
        }

        foreach (var item in _work!.GetConsumingEnumerable())
        {
            item();
        }
    }
}
