package SCBackend;

# The webhook receiver of the delivery tests (t/backend/webhook.py), run
# on the loopback, and what the tests ask of it and of the spool.

use strict;
use warnings;

use FindBin;
use JSON::PP;
use IO::Socket::INET;
use Time::HiRes qw(sleep time);
use Exporter 'import';

our @EXPORT = qw(backend stop_backend received files post_report wait_for);

my $pid;

# (re)starts the receiver on the test's port 1, logging to received.log
sub backend {
    my ($t, @args) = @_;
    stop_backend();
    my $port = $t->port(1);
    my $dir = $t->dir;
    $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open STDOUT, '>', '/dev/null';
        exec "$FindBin::Bin/backend/webhook.py", $port, "$dir/received.log",
            @args;
        die "exec: $!";
    }
    # ready when it accepts
    for (1 .. 100) {
        last if IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $port);
        sleep 0.05;
    }
    return $pid;
}

sub stop_backend {
    return unless $pid;
    kill 'TERM', $pid;
    waitpid $pid, 0;
    undef $pid;
}

END { local $?; stop_backend() }

# what the receiver got: one hash per request
sub received {
    my ($t) = @_;
    my $log = $t->read_file('received.log') // '';
    return map { decode_json($_) } grep { length } split /\n/, $log;
}

# the reports in one spool directory, by name
sub files {
    my ($t, $q, $d) = @_;
    opendir my $dh, $t->dir . "/$q/$d" or return ();
    my @f = sort grep { !/^\./ } readdir $dh;
    return @f;    # a count in scalar context
}

# a JSON report; the receipt id, or undef unless 201
sub post_report {
    my ($t, $path, $title, $host) = @_;
    my $r = $t->http($path, method => 'POST',
                     host => $host // 'deliver.example',
                     body => encode_json({
                         title => $title // 'A report',
                         target_url => 'https://deliver.example/',
                         description => 'Something is wrong.' }),
                     headers => ['Content-Type' => 'application/json']);
    return $r->{status} == 201 ? decode_json($r->{body})->{id} : undef;
}

sub wait_for {
    my ($cond, $seconds, $step) = @_;
    my $deadline = time + $seconds;
    while (time < $deadline) {
        return 1 if $cond->();
        sleep $step // 0.1;
    }
    return 0;
}

1;
