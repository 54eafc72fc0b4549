using PulumiLibvirt.Framework;
using PulumiLibvirt.Libvirt;

namespace PulumiLibvirt.Resources;

/// <summary>
/// Starting and stopping domains the way a user expects: gracefully first, by force only after a bounded wait.
/// </summary>
public static class DomainPower
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Asks the guest to shut down (through its guest agent when it has the channel, else or when the agent does not
    /// answer through ACPI) and waits up to <paramref name="timeoutSeconds"/>; a guest still running then (no ACPI
    /// support, hung, busy) is stopped by force, with a warning.
    /// </summary>
    public static async Task StopAsync(IGuestPower domain, int timeoutSeconds, ResourceContext context)
    {
        if (!domain.IsActive)
            return;
        var name = domain.Name;
        try
        {
            await RequestShutdownAsync(domain, name, $"(waiting up to {timeoutSeconds} s)", context);
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.OperationInvalid)
        {
            // It stopped between the check and the request.
        }
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (domain.IsActive && DateTime.UtcNow < deadline)
            await Task.Delay(PollInterval, context.Cancellation);
        if (!domain.IsActive)
            return;
        await context.WarnAsync(
            $"Domain '{name}' did not shut down within {timeoutSeconds} s ('shutdownTimeout'); stopping it by force."
        );
        try
        {
            domain.Destroy();
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.OperationInvalid)
        {
            // It finished shutting down just now.
        }
    }

    // The agent shuts the guest down as its own init would; ACPI needs the guest to listen for the power button.
    private static async Task RequestShutdownAsync(
        IGuestPower domain,
        string name,
        string waiting,
        ResourceContext context
    )
    {
        if (domain.HasAgentChannel)
        {
            try
            {
                domain.ShutdownThroughAgent();
                await context.InfoAsync($"Shutting down domain '{name}' through its guest agent {waiting}.");
                return;
            }
            catch (LibvirtException e) when (e.IsAgentUnavailable)
            {
                await context.InfoAsync(
                    $"The guest agent of '{name}' does not answer ({e.Message}); asking through ACPI instead."
                );
            }
        }
        domain.Shutdown();
        await context.InfoAsync($"Shutting down domain '{name}' through ACPI {waiting}.");
    }

    /// <summary>Brings the domain to the wanted power state; true when it started it.</summary>
    public static async Task<bool> ApplyAsync(
        LibvirtDomain domain,
        bool running,
        int shutdownTimeout,
        ResourceContext context
    )
    {
        if (running && !domain.IsActive)
        {
            domain.Start();
            return true;
        }
        if (!running)
            await StopAsync(domain, shutdownTimeout, context);
        return false;
    }
}
