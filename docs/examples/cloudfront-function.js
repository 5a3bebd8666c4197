// CloudFront Function (runtime cloudfront-js-2.0), on viewer requests.
//
// An S3 origin behind CloudFront has no folder index: a reader asking for
// /explainers/story/timeline/ must get the object .../timeline/index.html.
// An address without its final slash is redirected to it, so that the pages'
// relative links resolve from the right folder.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
    return request;
  }
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    return {
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: { location: { value: uri + '/' } },
    };
  }
  return request;
}
